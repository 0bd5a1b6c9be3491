import { App, MigrationStack } from '../../modules/core';
import { CONFIG } from './config';
import { LedgerReplicaStack } from './stack';

export function register(app: App): MigrationStack[] {
  return [new LedgerReplicaStack(app, 'ledger-replica-staging', CONFIG.staging), new LedgerReplicaStack(app, 'ledger-replica-production', CONFIG.production)];
}
