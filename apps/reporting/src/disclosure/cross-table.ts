import { LinkedTable, Relation } from './linked-table';

/**
 * A node of a dimension hierarchy. A node may be split in several independent ways (`partitions`), e.g.
 * "all cases" by trigger kind and, separately, by category group. Each partition must be exhaustive and
 * disjoint: every record counted in the node is counted in exactly one node of each of its partitions.
 */
export interface DimensionNode {
  id: string;
  partitions?: DimensionNode[][];
}

export interface CrossRecord {
  /** Row nodes the record counts in (a leaf and all its ancestors). */
  rows: string[];
  /** Column nodes the record counts in (the root and one node per partition level it reaches). */
  columns: string[];
}

/** A two-way table of counts over two hierarchies, with every relation a reader knows between its entries. */
export interface CrossTable extends LinkedTable {
  rowIds: string[];
  columnIds: string[];
  /** Entry index of (row, column): row * columnIds.length + column. */
  index(rowId: string, columnId: string): number;
}

export function flatten(root: DimensionNode): DimensionNode[] {
  const nodes: DimensionNode[] = [];
  const visit = (node: DimensionNode) => {
    nodes.push(node);
    node.partitions?.forEach((partition) => partition.forEach(visit));
  };
  visit(root);
  return nodes;
}

export function buildCrossTable(rowRoot: DimensionNode, columnRoot: DimensionNode, records: CrossRecord[]): CrossTable {
  const rowNodes = flatten(rowRoot);
  const columnNodes = flatten(columnRoot);
  const rowIds = rowNodes.map((node) => node.id);
  const columnIds = columnNodes.map((node) => node.id);
  const rowAt = new Map(rowIds.map((id, i) => [id, i]));
  const columnAt = new Map(columnIds.map((id, i) => [id, i]));
  if (rowAt.size !== rowIds.length || columnAt.size !== columnIds.length) throw new Error('dimension node ids must be unique');
  const width = columnIds.length;
  const index = (rowId: string, columnId: string) => {
    const r = rowAt.get(rowId);
    const c = columnAt.get(columnId);
    if (r === undefined || c === undefined) throw new Error(`no entry (${rowId}, ${columnId})`);
    return r * width + c;
  };
  const values = new Array<number>(rowIds.length * width).fill(0);
  for (const record of records) {
    for (const row of record.rows) for (const column of record.columns) values[index(row, column)]++;
  }
  const relations: Relation[] = [];
  for (const rowId of rowIds) {
    for (const column of columnNodes) {
      for (const partition of column.partitions ?? []) {
        relations.push({ total: index(rowId, column.id), parts: partition.map((child) => index(rowId, child.id)) });
      }
    }
  }
  for (const columnId of columnIds) {
    for (const row of rowNodes) {
      for (const partition of row.partitions ?? []) {
        relations.push({ total: index(row.id, columnId), parts: partition.map((child) => index(child.id, columnId)) });
      }
    }
  }
  for (const relation of relations) {
    const sum = relation.parts.reduce((total, part) => total + values[part], 0);
    if (sum !== values[relation.total]) throw new Error(`records do not respect the hierarchy at entry ${relation.total}`);
  }
  return { values, relations, rowIds, columnIds, index };
}
