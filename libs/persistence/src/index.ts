export * from './data-source';
export * from './scratch-database';
