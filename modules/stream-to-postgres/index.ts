export * from './props';
export * from './external-tables';
export * from './stream-to-postgres';
