export * from './props';
export * from './private-postgres';
export * from './bootstrap';
export * from './alarms';
export * from './upgrades';
export * from './logins';
export { readSchemaFile } from './schema-files';
export * from './restore';
export * from './aurora';
