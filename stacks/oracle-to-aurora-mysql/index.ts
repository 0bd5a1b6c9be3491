import { App, MigrationStack } from '../../modules/core';
import { CONFIG } from './config';
import { OracleToAuroraMysqlStack } from './stack';

export function register(app: App): MigrationStack[] {
  return [
    new OracleToAuroraMysqlStack(app, 'oracle-to-aurora-mysql-staging', CONFIG.staging),
    new OracleToAuroraMysqlStack(app, 'oracle-to-aurora-mysql-production', CONFIG.production),
  ];
}
