export * from './key-ring';
export * from './sealed-box';
