export * from './network';
export * from './existing-network';
export * from './peering';
