export * from './network';
export * from './existing-network';
