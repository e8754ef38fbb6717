// Where the time of an incident's trip goes, for `npm run bench` (issue: throughput, "measure before changing"):
// per-hop latency from the rows each service writes, CPU seconds per process, Postgres transactions and rows per
// incident, and what Postgres backends were waiting on while the scenario ran.
import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import { summarize } from './latency-stats';

/** The hops of one incident, in order, each from the previous mark to this one. */
export const HOPS = [
  'produced → intake recorded the trigger',
  'intake recorded → intake relay published',
  'intake published → matching opened the case and offered it (one transaction)',
  'matching offered → matching relay published',
  'matching published → notification recorded the offer',
  'notification recorded → provider called',
  'provider called → page at the receiver',
  'page at the receiver → provider answer recorded',
] as const;

export interface HopLatency {
  hop: string;
  p50: number;
  p99: number;
  mean: number;
}

interface Counters {
  xact: number;
  written: number;
  sessions: number;
  offsetCommits?: number;
  roundTrips?: Record<string, number>;
  /** Bytes of WAL the cluster wrote so far (pg_stat_wal; the benchmark is the cluster's only load). */
  walBytes?: number;
  tables?: Record<string, TableWrites>;
}

/** A table's row counters so far (pg_stat_user_tables) and how many indexes it has. */
export interface TableWrites {
  inserted: number;
  updated: number;
  hotUpdated: number;
  deleted: number;
  indexes: number;
}

/** What one table took per incident: rows inserted, updated (of which HOT) and deleted, and index entries written. */
export interface TableWritesPerIncident {
  table: string;
  inserted: number;
  updated: number;
  hotUpdated: number;
  deleted: number;
  /**
   * Index entries an insert or a non-HOT update adds: one per index (partial indexes counted as if they matched, so
   * an upper bound). A HOT update adds none; a delete adds none until vacuum.
   */
  indexEntries: number;
}

/** Row counters and index counts of every table in the database `db` is connected to (a fresh statistics snapshot). */
export async function tableWritesOf(db: Client): Promise<Record<string, TableWrites>> {
  await db.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await db.query(
    `SELECT s."schemaname" || '.' || s."relname" AS "table", s."n_tup_ins"::float8 AS "inserted", s."n_tup_upd"::float8 AS "updated",
            s."n_tup_hot_upd"::float8 AS "hotUpdated", s."n_tup_del"::float8 AS "deleted",
            (SELECT count(*) FROM pg_index i WHERE i."indrelid" = s."relid")::int AS "indexes"
     FROM pg_stat_user_tables s`,
  );
  return Object.fromEntries(rows.map(({ table, ...counts }) => [table, counts as TableWrites]));
}

/** Per incident, each table's writes between two readings, busiest first; tables with no writes are left out. */
export function tableWritesPerIncident(start: Record<string, TableWrites>, end: Record<string, TableWrites>, incidents: number): TableWritesPerIncident[] {
  const per = (value: number) => round(value / Math.max(1, incidents), 2);
  return Object.entries(end)
    .map(([table, after]) => {
      const before = start[table] ?? { inserted: 0, updated: 0, hotUpdated: 0, deleted: 0, indexes: after.indexes };
      const inserted = after.inserted - before.inserted;
      const updated = after.updated - before.updated;
      const hotUpdated = after.hotUpdated - before.hotUpdated;
      const deleted = after.deleted - before.deleted;
      const indexEntries = (inserted + updated - hotUpdated) * after.indexes;
      return { table, inserted: per(inserted), updated: per(updated), hotUpdated: per(hotUpdated), deleted: per(deleted), indexEntries: per(indexEntries), total: inserted + updated + deleted };
    })
    .filter((row) => row.total > 0)
    .sort((a, b) => b.total - a.total || a.table.localeCompare(b.table))
    .map(({ total: _total, ...row }) => row);
}

export interface ScenarioCost {
  /** CPU seconds (user + system) per process while the scenario ran. */
  cpuSeconds: Record<string, number>;
  /** Committed Postgres transactions of the run's database, per incident. */
  transactionsPerIncident: number;
  /** Rows inserted, updated and deleted, per incident. */
  rowsWrittenPerIncident: number;
  /** Database connections opened during the scenario (each a new Postgres backend: fork, cold caches, statements prepared again). */
  connectionsOpened: number;
  /** Offset commits the consumer groups sent per incident (records appended to __consumer_offsets, which holds only this run's groups' and the benchmark's). */
  offsetCommitsPerIncident?: number;
  /** Round trips to Postgres per incident, per service (harbor_database_round_trips_total), when the services report it. */
  roundTripsPerIncident?: Record<string, number>;
  /** Bytes of WAL per incident, in kB, when known. */
  walKilobytesPerIncident?: number;
  /** Each table's writes per incident, busiest first, when known. */
  tableWrites?: TableWritesPerIncident[];
  /** Sampled backend wait events (type:event → share of samples with a backend waiting on it), busiest first. */
  waits: { event: string; share: number }[];
  /**
   * Lock waits by the statement that waited and the blocking transaction's current statement (from pg_stat_activity and
   * pg_blocking_pids), busiest first: which statement queues behind which.
   */
  lockWaits: { waiting: string; blockedBy: string; share: number }[];
  /** Statements Postgres was running (active, not waiting), busiest first: where its CPU went. */
  running: { statement: string; share: number }[];
  samples: number;
}

const TICKS_PER_SECOND = 100;

/** utime + stime of a process, in seconds (Linux /proc); 0 when it is gone. */
export function cpuSecondsOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state is field 3, utime 14 and stime 15 (1-based over the whole line).
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds of every process whose command line matches (e.g. all Postgres backends, the Kafka broker). */
export function cpuSecondsMatching(pattern: RegExp): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (pattern.test(readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' '))) total += cpuSecondsOf(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Samples CPU of named processes, Postgres counters and wait events from the start of a scenario to its end. */
export class ScenarioMeter {
  private readonly cpuAtStart: Record<string, number> = {};
  private counters?: Counters;
  private readonly waitCounts = new Map<string, number>();
  private readonly lockCounts = new Map<string, number>();
  private readonly runningCounts = new Map<string, number>();
  private runningSeen = 0;
  private samples = 0;
  private timer?: NodeJS.Timeout;
  private sampling = false;

  constructor(
    private readonly admin: Client,
    private readonly database: string,
    /** CPU seconds so far, per process (or group of processes) to account for. */
    private readonly processes: Record<string, () => number>,
    /** Records in __consumer_offsets so far (the broker's count of offset commits), when known. */
    private readonly offsetCommits?: () => Promise<number>,
    /** Round trips to Postgres so far, per service, when known. */
    private readonly roundTrips?: () => Promise<Record<string, number>>,
    /** Row counters of the benchmark database's tables so far, when known. */
    private readonly tables?: () => Promise<Record<string, TableWrites>>,
  ) {}

  async start(): Promise<void> {
    for (const [name, cpu] of Object.entries(this.processes)) this.cpuAtStart[name] = cpu();
    this.counters = await this.readCounters();
    this.timer = setInterval(() => void this.sample(), 100);
  }

  async stop(incidents: number): Promise<ScenarioCost> {
    clearInterval(this.timer);
    const end = await this.readCounters();
    const cpuSeconds: Record<string, number> = {};
    for (const [name, cpu] of Object.entries(this.processes)) cpuSeconds[name] = round(cpu() - this.cpuAtStart[name], 1);
    const waits = [...this.waitCounts].map(([event, count]) => ({ event, share: round(count / Math.max(1, this.samples), 3) })).sort((a, b) => b.share - a.share);
    return {
      cpuSeconds,
      transactionsPerIncident: round((end.xact - this.counters!.xact) / incidents, 1),
      rowsWrittenPerIncident: round((end.written - this.counters!.written) / incidents, 1),
      connectionsOpened: end.sessions - this.counters!.sessions,
      ...(end.offsetCommits !== undefined && this.counters!.offsetCommits !== undefined
        ? { offsetCommitsPerIncident: round((end.offsetCommits - this.counters!.offsetCommits) / incidents, 1) }
        : {}),
      ...(end.roundTrips && this.counters!.roundTrips
        ? { roundTripsPerIncident: Object.fromEntries(Object.entries(end.roundTrips).map(([name, count]) => [name, round((count - (this.counters!.roundTrips![name] ?? 0)) / incidents, 1)])) }
        : {}),
      ...(end.walBytes !== undefined && this.counters!.walBytes !== undefined
        ? { walKilobytesPerIncident: round((end.walBytes - this.counters!.walBytes) / 1024 / incidents, 1) }
        : {}),
      ...(end.tables && this.counters!.tables ? { tableWrites: tableWritesPerIncident(this.counters!.tables, end.tables, incidents) } : {}),
      waits: waits.slice(0, 8),
      lockWaits: [...this.lockCounts]
        .map(([pair, count]) => {
          const [waiting, blockedBy] = pair.split('\u0000');
          return { waiting, blockedBy, share: round(count / Math.max(1, this.samples), 3) };
        })
        .sort((a, b) => b.share - a.share)
        .slice(0, 6),
      running: [...this.runningCounts]
        .map(([statement, count]) => ({ statement, share: round(count / Math.max(1, this.runningSeen), 3) }))
        .sort((a, b) => b.share - a.share)
        .slice(0, 8),
      samples: this.samples,
    };
  }

  private async readCounters(): Promise<Counters> {
    // The statistics collector reports with a delay; ask for a fresh snapshot.
    await this.admin.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await this.admin.query(
      `SELECT xact_commit::float8 AS xact, (tup_inserted + tup_updated + tup_deleted)::float8 AS written, sessions::float8 AS sessions
       FROM pg_stat_database WHERE datname = $1`,
      [this.database],
    );
    const offsetCommits = await this.offsetCommits?.().catch(() => undefined);
    const roundTrips = await this.roundTrips?.().catch(() => undefined);
    const walBytes = await this.admin.query('SELECT wal_bytes::float8 AS "bytes" FROM pg_stat_wal').then((result) => Number(result.rows[0].bytes), () => undefined);
    const tables = await this.tables?.().catch(() => undefined);
    return { xact: rows[0]?.xact ?? 0, written: rows[0]?.written ?? 0, sessions: rows[0]?.sessions ?? 0, offsetCommits, roundTrips, walBytes, tables };
  }

  private async sample(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      const { rows } = await this.admin.query(
        `SELECT a.wait_event_type AS "type", a.wait_event AS "event", a.query AS "waiting",
                CASE WHEN a.wait_event_type = 'Lock' THEN (SELECT b.query FROM pg_stat_activity b WHERE b.pid = (pg_blocking_pids(a.pid))[1]) END AS "blockedBy"
         FROM pg_stat_activity a
         WHERE a.datname = $1 AND a.state = 'active' AND a.pid <> pg_backend_pid()`,
        [this.database],
      );
      this.samples++;
      for (const row of rows.filter((entry) => !entry.type)) {
        this.runningSeen++;
        const shape = statementShape(row.waiting);
        this.runningCounts.set(shape, (this.runningCounts.get(shape) ?? 0) + 1);
      }
      rows.splice(0, rows.length, ...rows.filter((entry) => entry.type));
      for (const event of new Set(rows.map((row) => `${row.type}:${row.event}`))) this.waitCounts.set(event, (this.waitCounts.get(event) ?? 0) + 1);
      const pairs = rows.filter((row) => row.type === 'Lock').map((row) => `${statementShape(row.waiting)}\u0000${statementShape(row.blockedBy ?? '(none)')}`);
      for (const pair of new Set(pairs)) this.lockCounts.set(pair, (this.lockCounts.get(pair) ?? 0) + 1);
    } finally {
      this.sampling = false;
    }
  }
}

/** A statement's first words and the tables it names, short enough to read in a table (no values: bench data only). */
export function statementShape(sql: string): string {
  const text = sql.replace(/\s+/g, ' ').trim();
  const tables = [...new Set([...text.matchAll(/"(\w+)"\."(\w+)"/g)].map((match) => `${match[1]}.${match[2]}`))];
  return `${text.split(' ').slice(0, 3).join(' ')}${tables.length ? ` … ${tables.join(', ')}` : ''}`.slice(0, 140);
}

/**
 * Per-hop latency of the incidents `from`..`to` (bench ids), from the timestamps the services' rows carry (each
 * is the writing transaction's start, so a hop includes that transaction's own work) and the receiver's arrival.
 */
export async function hopLatencies(
  db: Client,
  sentAt: Map<number, number>,
  arrivals: Map<string, number>,
  from: number,
  to: number,
): Promise<HopLatency[]> {
  const { rows } = await db.query(
    `SELECT substring(tc."identifier_value" from 3)::int AS "index",
            extract(epoch FROM t."received_at") * 1000 AS "intakeRecorded",
            extract(epoch FROM io."sent_at") * 1000 AS "intakePublished",
            extract(epoch FROM a."offered_at") * 1000 AS "offered",
            extract(epoch FROM mo."sent_at") * 1000 AS "matchingPublished",
            extract(epoch FROM o."created_at") * 1000 AS "offerRecorded",
            extract(epoch FROM da."attempted_at") * 1000 AS "providerCalled",
            extract(epoch FROM da."settled_at") * 1000 AS "providerAnswered",
            a."id" AS "assignmentId"
     FROM "intake"."trigger_clinicians" tc
     JOIN "intake"."triggers" t ON t."id" = tc."trigger_id"
     JOIN "intake"."outbox" io ON io."topic" LIKE '%support.requested.v1' AND io."payload" ->> 'requestId' = tc."request_id"::text
     JOIN "matching"."cases" c ON c."request_id" = tc."request_id"
     JOIN "matching"."assignments" a ON a."case_id" = c."id" AND a."attempt" = 1
     JOIN "matching"."outbox" mo ON mo."topic" LIKE '%assignments.offered.v1' AND mo."payload" ->> 'assignmentId' = a."id"::text
     JOIN "notification"."offers" o ON o."assignment_id"::text = a."id"::text
     JOIN "notification"."dispatches" d ON d."kind" = 'offer-page' AND d."ref_id"::text = a."id"::text
     JOIN LATERAL (SELECT * FROM "notification"."delivery_attempts" x WHERE x."dispatch_id" = d."id" ORDER BY x."attempted_at" LIMIT 1) da ON true
     WHERE tc."identifier_system" = 'urn:harbor:bench'`,
  );
  const perHop: number[][] = HOPS.map(() => []);
  for (const row of rows) {
    if (row.index < from || row.index >= to) continue;
    const arrival = arrivals.get(`${row.assignmentId}:sms`);
    const marks = [
      sentAt.get(row.index), row.intakeRecorded, row.intakePublished, row.offered, row.matchingPublished, row.offerRecorded,
      row.providerCalled, arrival, row.providerAnswered,
    ].map((mark) => (mark === undefined || mark === null ? undefined : Number(mark)));
    if (marks.some((mark) => mark === undefined)) continue;
    for (let hop = 0; hop < HOPS.length; hop++) perHop[hop].push(marks[hop + 1]! - marks[hop]!);
  }
  return HOPS.map((hop, index) => {
    const summary = summarize(perHop[index]);
    const mean = perHop[index].reduce((sum, value) => sum + value, 0) / Math.max(1, perHop[index].length);
    return { hop, p50: round(summary.p50, 1), p99: round(summary.p99, 1), mean: round(mean, 1) };
  });
}

/** Resident set size of a process in MB (Linux /proc), 0 when it is gone. */
export function rssMegabytes(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'));
    return line ? Math.round(Number(line.replace(/\D+/g, '')) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** The breakdown of one scenario as Markdown: hops, CPU, Postgres work, waits, memory. */
export function breakdownMarkdown(
  label: string, hops: HopLatency[], cost: ScenarioCost, rssMb?: Record<string, number>, heapMb?: Record<string, string>,
  settled?: { seconds: number; rssMb: Record<string, number>; heapMb: Record<string, string> },
): string {
  const memory = (rss: Record<string, number>, heap: Record<string, string> | undefined) =>
    Object.entries(rss).map(([name, mb]) => `${name} ${mb} MB${heap?.[name] ? ` (V8 heap used/allocated ${heap[name]} MB)` : ''}`).join(', ');
  const lines = [
    `**Where the time went — ${label}** (per incident; from the rows each service writes: a mark is its transaction's start)`,
    '',
    '| hop | p50 ms | p99 ms | mean ms |',
    '|---|---:|---:|---:|',
    ...hops.map((hop) => `| ${hop.hop} | ${hop.p50} | ${hop.p99} | ${hop.mean} |`),
    '',
    `CPU seconds: ${Object.entries(cost.cpuSeconds).map(([name, seconds]) => `${name} ${seconds}`).join(', ')}. `
      + `Postgres: ${cost.transactionsPerIncident} transactions and ${cost.rowsWrittenPerIncident} rows written per incident, ${cost.connectionsOpened ?? '–'} connections opened. `
      + (cost.roundTripsPerIncident && Object.keys(cost.roundTripsPerIncident).length > 0 ? `Round trips to Postgres per incident: ${Object.entries(cost.roundTripsPerIncident).map(([name, count]) => `${name} ${count}`).join(', ')}. ` : '')
      + (cost.walKilobytesPerIncident !== undefined ? `WAL: ${cost.walKilobytesPerIncident} kB per incident. ` : '')
      + (cost.offsetCommitsPerIncident !== undefined ? `Kafka: ${cost.offsetCommitsPerIncident} offset commits per incident. ` : '')
      + `Waits (share of ${cost.samples} samples with a backend waiting): ${cost.waits.map((wait) => `${wait.event} ${(wait.share * 100).toFixed(0)}%`).join(', ') || 'none'}.`
      + (cost.running.length ? `\nStatements running (share of ${cost.samples} samples' running backends): ${cost.running.map((entry) => `\`${entry.statement}\` ${(entry.share * 100).toFixed(0)}%`).join('; ')}.` : '')
      + (cost.lockWaits.length ? `\nLock waits (waiting statement ← the blocking transaction's current statement, share of samples): ${cost.lockWaits.map((wait) => `\`${wait.waiting}\` ← \`${wait.blockedBy}\` ${(wait.share * 100).toFixed(0)}%`).join('; ')}.` : '')
      + (cost.tableWrites?.length ? `\n${tableWritesSentence(cost.tableWrites)}` : '')
      + (rssMb ? ` RSS after draining: ${memory(rssMb, heapMb)}.` : '')
      + (settled ? ` ${settled.seconds} s later: ${memory(settled.rssMb, settled.heapMb)}.` : ''),
  ];
  return lines.join('\n');
}

/** The busiest tables' writes per incident in a sentence, with the index entries of all tables. */
export function tableWritesSentence(writes: TableWritesPerIncident[], shown = 10): string {
  const indexEntries = round(writes.reduce((sum, row) => sum + row.indexEntries, 0), 1);
  const rows = writes.slice(0, shown).map((row) => {
    const parts = [`+${row.inserted}`, ...(row.updated ? [`~${row.updated}${row.hotUpdated ? ` (${row.hotUpdated} HOT)` : ''}`] : []), ...(row.deleted ? [`-${row.deleted}`] : [])];
    return `${row.table} ${parts.join(' ')}`;
  });
  return `Rows per incident by table (+inserted ~updated -deleted): ${rows.join('; ')}${writes.length > shown ? `; ${writes.length - shown} more` : ''}. `
    + `Index entries written per incident (every index counted, an upper bound): ${indexEntries}.`;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
