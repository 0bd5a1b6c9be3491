export * from './props';
export * from './private-postgres';
