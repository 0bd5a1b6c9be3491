import { App, MigrationStack } from '../../modules/core';
import { CONFIG } from './config';
import { ReportingServerStack } from './stack';

export function register(app: App): MigrationStack[] {
  return [
    new ReportingServerStack(app, 'reporting-server-staging', CONFIG.staging),
    new ReportingServerStack(app, 'reporting-server-production', CONFIG.production),
  ];
}
