import { App, MigrationStack } from '../../modules/core';
import { CONFIG } from './config';
import { CsvToPostgresStack } from './stack';

export function register(app: App): MigrationStack[] {
  return [
    new CsvToPostgresStack(app, 'csv-to-postgres-staging', CONFIG.staging),
    new CsvToPostgresStack(app, 'csv-to-postgres-production', CONFIG.production),
  ];
}
