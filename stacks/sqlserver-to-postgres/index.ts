import { App, MigrationStack } from '../../modules/core';
import { CONFIG } from './config';
import { SqlServerToPostgresStack } from './stack';

export function register(app: App): MigrationStack[] {
  return [
    new SqlServerToPostgresStack(app, 'sqlserver-to-postgres-staging', CONFIG.staging),
    new SqlServerToPostgresStack(app, 'sqlserver-to-postgres-production', CONFIG.production),
  ];
}
