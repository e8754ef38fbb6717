export * from './load-config';
export * from './service-env';
export * from './kafka-security';
export * from './development-default';
export * from './field-problems';
export * from './key-ring-setting';
