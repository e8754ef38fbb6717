export * from './tokens';
export * from './problem-details.filter';
export * from './validation';
export * from './service-runtime.module';
export * from './bootstrap';
export * from './run-service';
export * from './service-health';
export * from './metrics-server';
