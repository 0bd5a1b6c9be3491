import { DmsAccountRoles } from '../../../modules/dms-account-roles';
import { DmsServerlessReplication, DmsServerlessReplicationProps, PostgresTargetEndpoint, SqlServerSourceEndpoint, TableMappings } from '../../../modules/dms-migration';
import { network, newStack, one, PG_SECRET, synth } from './helpers';

/** A serverless replication config is validated as a task is (issue 14, item 7: same validation as an instance). */
function serverless(over: Partial<DmsServerlessReplicationProps> = {}, mode: 'ms-cdc' | 'full-load-only' = 'ms-cdc') {
  const stack = newStack();
  const source = new SqlServerSourceEndpoint(stack, 'src', { component: 'legacy', serverAddress: '10.20.30.40', databaseName: 'Billing', mode, secret: PG_SECRET });
  const target = new PostgresTargetEndpoint(stack, 'pg', { component: 'app', serverName: 'db', databaseName: 'app', secret: PG_SECRET });
  new DmsServerlessReplication(stack, 'sls', {
    component: 'big',
    network,
    accountRoles: new DmsAccountRoles(stack, 'roles', { mode: 'adopt' }),
    source,
    target,
    tableMappings: new TableMappings().include({ schema: 'dbo' }),
    ...over,
  });
  return stack;
}

describe('DmsServerlessReplication validation (as a task)', () => {
  test("a full-load-only SQL Server source defaults to 'full-load'", () => {
    expect(one(synth(serverless({}, 'full-load-only')), 'aws_dms_replication_config').replication_type).toBe('full-load');
  });

  test('fails when the SQL Server capture mode cannot serve the migration type', () => {
    expect(() => serverless({ migrationType: 'full-load' })).toThrow("migrationType 'full-load' with a 'ms-cdc' source leaves the change capture unused");
    expect(() => serverless({ migrationType: 'cdc' }, 'full-load-only')).toThrow("the SQL Server source is in 'full-load-only' mode");
  });

  test('raw settings are accepted and validated like a task\'s (read-only keys dropped; logging off refused)', () => {
    const raw = { Logging: { EnableLogging: true, CloudWatchLogGroup: 'x' }, ValidationSettings: { EnableValidation: true }, TargetMetadata: { SupportLobs: true, FullLobMode: true }, FullLoadSettings: { TargetTablePrepMode: 'TRUNCATE_BEFORE_LOAD' } };
    const cfg = one(synth(serverless({ settings: { raw } })), 'aws_dms_replication_config');
    expect(JSON.parse(cfg.replication_settings).Logging).toEqual({ EnableLogging: true });
    expect(() => serverless({ settings: { raw: { ...raw, Logging: { EnableLogging: false } } } })).toThrow(/logging/i);
  });

  test('fails with the construct path when raw mappings are not JSON', () => {
    expect(() => serverless({ tableMappings: '{ not json' })).toThrow(/test\/sls: tableMappings: /);
  });
});
