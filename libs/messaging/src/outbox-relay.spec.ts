import { beginAndReadSql, markAndCommitSql } from './outbox-relay';

describe('the outbox relay\'s statements', () => {
  it('open the transaction and set it up before the read, which runs only under the schema\'s lock', () => {
    const statements = beginAndReadSql('matching', 500).split(';\n');
    expect(statements.slice(0, 3)).toEqual(['BEGIN', 'SET LOCAL enable_bitmapscan = off', 'SET LOCAL synchronous_commit = off']);
    expect(statements[3]).toContain(`pg_try_advisory_xact_lock(hashtext('harbor-outbox-matching')) AS "locked"`);
    expect(statements[3]).toMatch(/FROM "matching"\."outbox"\s+WHERE "lock"\."locked" AND "sent_at" IS NULL ORDER BY "seq" LIMIT 500 FOR UPDATE SKIP LOCKED/);
  });

  it('mark the published rows and commit in one string', () => {
    const sql = markAndCommitSql('intake', ['7', '12', '9007199254740993']);
    expect(sql).toContain(`"seq" = ANY('{7,12,9007199254740993}'::bigint[]) AND "purge_on_publish"`);
    expect(sql).toMatch(/;\s*COMMIT$/);
  });

  it.each([
    ['a schema that is not an identifier', () => beginAndReadSql('intake"; DROP TABLE x; --', 500)],
    ['a batch size that is not a positive integer', () => beginAndReadSql('intake', 0)],
    ['a sequence number that is not digits', () => markAndCommitSql('intake', ['7', "1}'::bigint[]); DROP TABLE x; --"])],
    ['a schema that is not an identifier, when marking', () => markAndCommitSql('Intake Schema', ['7'])],
  ])('refuse %s instead of writing it into SQL', (_case, build) => {
    expect(build).toThrow();
  });
});
