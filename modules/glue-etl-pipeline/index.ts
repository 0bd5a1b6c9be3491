export * from './props';
export * from './mapping';
export * from './definition';
export * from './glue-etl-pipeline';
export * from './expressions';
