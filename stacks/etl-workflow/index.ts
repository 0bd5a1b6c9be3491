import { App, MigrationStack } from '../../modules/core';
import { CONFIG } from './config';
import { EtlWorkflowStack } from './stack';

export function register(app: App): MigrationStack[] {
  return [
    new EtlWorkflowStack(app, 'etl-workflow-staging', CONFIG.staging),
    new EtlWorkflowStack(app, 'etl-workflow-production', CONFIG.production),
  ];
}
