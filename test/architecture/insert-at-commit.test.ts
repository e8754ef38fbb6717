import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * A store that defers its inserts to the commit (InsertAtCommit) must write them first in every other method that
 * touches the same table, or that method's statement misses its own transaction's rows (libs/persistence
 * insert-rows.ts). Checked on the source, so a method added later without it fails here, not in production.
 */
const REPOSITORY = join(__dirname, '..', '..');

interface Violation {
  file: string;
  method: string;
  table: string;
}

/** The table named by `new InsertAtCommit(<table>, …)`'s first argument, as the SQL in the class spells it. */
function tableOf(argument: ts.Expression, source: ts.SourceFile): string {
  if (ts.isStringLiteral(argument) || ts.isNoSubstitutionTemplateLiteral(argument)) return argument.text;
  return argument.getText(source).slice(1, -1); // a template literal: its text as written, e.g. "${schema}"."outbox"
}

/** The InsertAtCommit fields of a class (declared with an initializer or assigned in the constructor), by field name. */
function deferredTablesOf(node: ts.ClassDeclaration, source: ts.SourceFile): Map<string, string> {
  const fields = new Map<string, string>();
  const visit = (child: ts.Node) => {
    const isDeferral = (expression: ts.Node | undefined): expression is ts.NewExpression =>
      !!expression && ts.isNewExpression(expression) && expression.expression.getText(source) === 'InsertAtCommit' && !!expression.arguments?.length;
    if (ts.isPropertyDeclaration(child) && isDeferral(child.initializer)) fields.set(child.name.getText(source), tableOf(child.initializer.arguments![0], source));
    if (ts.isBinaryExpression(child) && child.operatorToken.kind === ts.SyntaxKind.EqualsToken && isDeferral(child.right) && /^this\.\w+$/.test(child.left.getText(source))) {
      fields.set(child.left.getText(source).slice('this.'.length), tableOf(child.right.arguments![0], source));
    }
    ts.forEachChild(child, visit);
  };
  ts.forEachChild(node, visit);
  return fields;
}

/**
 * Methods of classes holding an InsertAtCommit that take an EntityManager and mention its table, but neither write
 * its pending rows nor add to them.
 */
export function deferralViolations(file: string, text: string): Violation[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const violations: Violation[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isClassDeclaration(node)) {
      for (const [field, table] of deferredTablesOf(node, source)) {
        for (const member of node.members) {
          if (!ts.isMethodDeclaration(member) || !member.body) continue;
          // Only a method given the caller's manager can run inside a transaction that has rows pending; one that
          // uses the data source runs its own statements, which no other transaction's pending rows concern.
          if (!member.parameters.some((parameter) => /\bEntityManager\b/.test(parameter.type?.getText(source) ?? ''))) continue;
          const body = member.body.getText(source);
          const touchesTable = body.includes(table);
          const handlesPending = body.includes(`this.${field}.writeNow(`) || body.includes(`this.${field}.add(`);
          if (touchesTable && !handlesPending) violations.push({ file, method: member.name.getText(source), table });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return violations;
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('stores that write rows at commit', () => {
  const files = ['apps', 'libs'].flatMap((root) => sourceFiles(join(REPOSITORY, root)));
  const deferring = files.filter((path) => readFileSync(path, 'utf8').includes('new InsertAtCommit('));

  it('are found (the check would otherwise pass on nothing)', () => {
    expect(deferring.map((path) => relative(REPOSITORY, path)).sort()).toEqual([
      'apps/matching/src/cases/assignment-store.ts',
      'apps/matching/src/cases/deadline-store.ts',
      'apps/notification/src/dispatch/dispatch-store.ts',
      'libs/messaging/src/outbox-writer.ts',
    ]);
  });

  it('write their pending rows first in every method that touches the deferred table', () => {
    const violations = deferring.flatMap((path) => deferralViolations(relative(REPOSITORY, path), readFileSync(path, 'utf8')));
    expect(violations).toEqual([]);
  });

  it('the check names a method that reads the table without writing the pending rows first', () => {
    const source = `
      class OfferStore {
        private readonly pending = new InsertAtCommit('"s"."offers"', [['"id"', 'uuid']]);
        async insert(manager: EntityManager, id: string) { await this.pending.add(manager, [id]); }
        async lock(manager: EntityManager, id: string) { await this.pending.writeNow(manager); return manager.query('SELECT 1 FROM "s"."offers" WHERE "id" = $1 FOR UPDATE', [id]); }
        async count(manager: EntityManager) { return manager.query('SELECT count(*) FROM "s"."offers"'); }
        async either(db: DataSource | EntityManager) { return db.query('SELECT count(*) FROM "s"."offers"'); }
        async other(manager: EntityManager) { return manager.query('SELECT 1 FROM "s"."elsewhere"'); }
        async report() { return this.dataSource.query('SELECT count(*) FROM "s"."offers"'); }
      }
      class Outbox {
        constructor(schema: string) { this.rows = new InsertAtCommit(\`"\${schema}"."outbox"\`, []); }
        async peek(manager: EntityManager) { return manager.query(\`SELECT * FROM "\${schema}"."outbox"\`); }
      }`;
    expect(deferralViolations('x.ts', source)).toEqual([
      { file: 'x.ts', method: 'count', table: '"s"."offers"' },
      { file: 'x.ts', method: 'either', table: '"s"."offers"' },
      { file: 'x.ts', method: 'peek', table: '"${schema}"."outbox"' },
    ]);
  });
});
