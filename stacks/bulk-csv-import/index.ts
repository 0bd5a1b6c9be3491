import { App, MigrationStack } from '../../modules/core';
import { CONFIG } from './config';
import { BulkCsvImportStack } from './stack';

export function register(app: App): MigrationStack[] {
  return [
    new BulkCsvImportStack(app, 'bulk-csv-import-staging', CONFIG.staging),
    new BulkCsvImportStack(app, 'bulk-csv-import-production', CONFIG.production),
  ];
}
