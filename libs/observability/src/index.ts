export * from './request-context';
export * from './logger';
export * from './trace-context';
export * from './metrics';
export * from './build-info';
export * from './spans';
export * from './tracing';
export * from './repeated-failure-log';
