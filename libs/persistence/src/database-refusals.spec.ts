import { classifyDatabaseError } from './database-refusals';

describe('classifyDatabaseError', () => {
  it.each([
    ['22P02', 'invalid-input'], ['22007', 'invalid-input'], ['22008', 'invalid-input'], ['22021', 'invalid-input'], ['22P05', 'invalid-input'], ['22001', 'invalid-input'],
    ['23502', 'invalid-input'], ['23514', 'invalid-input'], ['23505', 'conflict'], ['23503', 'conflict'], ['23P01', 'conflict'],
  ])('SQLSTATE %s is %s', (code, kind) => {
    expect(classifyDatabaseError({ code })?.kind).toBe(kind);
    // TypeORM wraps the driver's error
    expect(classifyDatabaseError({ driverError: { code, column: 'due_at' } })).toEqual({ kind, sqlState: code, field: 'due_at' });
  });

  it.each([['40001'], ['57P01'], ['08006'], ['42P01']])('SQLSTATE %s is not the input\'s fault', (code) => {
    expect(classifyDatabaseError({ code })).toBeUndefined();
  });

  it('ignores errors without a SQLSTATE', () => {
    expect(classifyDatabaseError(new Error('boom'))).toBeUndefined();
    expect(classifyDatabaseError({ code: 'ECONNRESET' })).toBeUndefined();
    expect(classifyDatabaseError(undefined)).toBeUndefined();
  });
});
