export * from './mapping';
export * from './props';
export * from './neptune-cluster';
export * from './source-catalog';
export * from './neptune-graph-migration';
