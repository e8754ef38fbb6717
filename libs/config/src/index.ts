export * from './load-config';
export * from './service-env';
export * from './kafka-security';
export * from './production-rules';
export * from './key-ring-setting';
