export * from './rfc3339';
export * from './untrusted-json';
export * from './safe-text';
export * from './field-problems';
