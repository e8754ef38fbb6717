export * from './load-config';
export * from './service-env';
export * from './production-rules';
export * from './field-problems';
