// Prints the engine-version settings the modules synthesize (aws_db_instance and aws_dms_replication_instance), for
// test_plan.py to plan against moto.
//   npx tsx test/engine-version-plan/synth-engine.ts '{"dmsEngineVersion":"3.5.4","rdsEngineVersion":"17"}'
import { MigrationStack, Testing } from '../../modules/core';
import { DmsAccountRoles } from '../../modules/dms-account-roles';
import { DmsReplicationInstance } from '../../modules/dms-migration';
import { PrivatePostgres } from '../../modules/private-postgres';

const args = JSON.parse(process.argv[2] ?? '{}') as { dmsEngineVersion?: string; rdsEngineVersion?: string };
const stack = new MigrationStack(Testing.app(), 'engine', { project: 'demo', environment: 'staging', production: false, region: 'eu-west-2' });
const network = { vpcId: 'vpc-1', privateSubnets: [{ id: 'subnet-a', availabilityZone: 'eu-west-2a' }, { id: 'subnet-b', availabilityZone: 'eu-west-2b' }] };
const roles = new DmsAccountRoles(stack, 'roles', { mode: 'adopt' });
new DmsReplicationInstance(stack, 'dms', { network, accountRoles: roles, engineVersion: args.dmsEngineVersion });
new PrivatePostgres(stack, 'db', { network, databaseName: 'app', engineVersion: args.rdsEngineVersion });
const json = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
const only = (type: string) => Object.values(json.resource[type])[0];
const pick = (r: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.filter((k) => k in r).map((k) => [k, r[k]]));
const keys = ['engine_version', 'auto_minor_version_upgrade', 'allow_major_version_upgrade', 'lifecycle'];
process.stdout.write(JSON.stringify({ dms: pick(only('aws_dms_replication_instance'), keys), rds: pick(only('aws_db_instance'), keys) }));
