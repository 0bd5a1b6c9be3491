import { MigrationStack, Testing } from '../../../modules/core';
import { DmsAccountRoles } from '../../../modules/dms-account-roles';
import { DmsReplicationInstance, PostgresSourceEndpoint } from '../../../modules/dms-migration';
import { PrivatePostgres } from '../../../modules/private-postgres';
import { StreamToPostgres, StreamToPostgresProps } from '../../../modules/stream-to-postgres';

/** The stream consumer and its full load on a database login (PrivatePostgres `logins`) instead of the app user. */
const network = {
  vpcId: 'vpc-123',
  privateSubnets: [
    { id: 'subnet-a', availabilityZone: 'eu-west-2a' },
    { id: 'subnet-b', availabilityZone: 'eu-west-2b' },
  ],
  privateRouteTableIds: ['rtb-a', 'rtb-b'],
};
const TABLES = [{ source: 'dmv.Person', target: 'dmv.person', keyColumns: ['person_id'], columns: [{ source: 'PersonId', target: 'person_id', type: 'varchar(40)' }] }];

function build(over: Partial<StreamToPostgresProps>, appUser = false) {
  const stack = new MigrationStack(Testing.app(), 'test', { project: 'demo', environment: 'staging', production: false, region: 'eu-west-2' });
  const db = new PrivatePostgres(stack, 'db', {
    network,
    databaseName: 'ledger',
    ...(appUser ? { appUser: { username: 'app_owner' } } : {}),
    logins: [{ username: 'replica_writer', grants: [{ schema: 'dmv', privilege: 'owner' }] }, { username: 'auditor', authentication: 'iam' }],
  });
  const roles = new DmsAccountRoles(stack, 'dms-roles', { mode: 'adopt' });
  const instance = new DmsReplicationInstance(stack, 'dms', { network, accountRoles: roles });
  const source = new PostgresSourceEndpoint(stack, 'source', { component: 'ledger', serverName: 'ledger.internal', databaseName: 'ledger', secret: { secretArn: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:src-AbCdEf' }, slotName: 'dms_ledger', egressCidr: '10.40.0.0/16' });
  new StreamToPostgres(stack, 'cdc', { network, database: db, tables: TABLES, changeSource: { instance, source, cdcStartPosition: '1A/6B0C3D28' }, ...over });
  return JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, any>>> };
}

const LOGIN_SECRET = /^\$\{aws_secretsmanager_secret\.db_login-replica_writer-secret_[A-F0-9]+\.arn\}$/;

describe('StreamToPostgres databaseLogin', () => {
  test('the consumer and the full load\'s DMS target both use the login\'s secret, even beside an app user', () => {
    const out = build({ databaseLogin: 'replica_writer', highWaterMark: '2026-11-23T09:00:00Z', fullLoad: {} }, true);
    const consumer = Object.values(out.resource.aws_lambda_function).find((f) => f.function_name === 'demo-staging-cdc-stream-consumer')!;
    expect(consumer.environment.variables.DB_SECRET_ARN).toMatch(LOGIN_SECRET);
    const target = Object.values(out.resource.aws_dms_endpoint).find((e) => e.endpoint_type === 'target' && e.engine_name === 'postgres')!;
    expect(target.secrets_manager_arn).toMatch(LOGIN_SECRET);
    const policy = Object.entries(out.resource.aws_iam_role_policy).find(([k]) => k.startsWith('cdc_consumer_role'))![1];
    const reads = JSON.parse(policy.policy).Statement.filter((s: { Action: string[] }) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(reads.map((s: { Resource: string }) => s.Resource)).toEqual([expect.stringMatching(LOGIN_SECRET)]);
  });

  test.each([
    ['an unknown login', { databaseLogin: 'nobody' }, /no login "nobody" on this database; its logins are replica_writer, auditor/],
    ['an IAM login', { databaseLogin: 'auditor' }, /login "auditor" uses IAM authentication and has no secret/],
    ['useAppUserSecret as well', { databaseLogin: 'replica_writer', useAppUserSecret: true }, /databaseLogin "replica_writer" and useAppUserSecret both choose the consumer's login; keep one/],
  ])('fails at synth on %s', (_label, over, message) => {
    expect(() => build(over as Partial<StreamToPostgresProps>)).toThrow(message);
  });
});
