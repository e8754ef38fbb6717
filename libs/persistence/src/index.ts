export * from './data-source';
export * from './scratch-database';
export * from './database-refusals';
export * from './job-lock';
export * from './read-once-per-transaction';
export * from './after-commit';
export * from './insert-rows';
export * from './postgres-client';
