import { App, MigrationStack } from '../../modules/core';
import { CONFIG } from './config';
import { MysqlToS3LabStack } from './stack';

export function register(app: App): MigrationStack[] {
  return [new MysqlToS3LabStack(app, 'mysql-to-s3-lab-staging', CONFIG.staging), new MysqlToS3LabStack(app, 'mysql-to-s3-lab-production', CONFIG.production)];
}
