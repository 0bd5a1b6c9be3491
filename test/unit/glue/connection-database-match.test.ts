/**
 * GlueJdbcConnection repeats host and port next to the secret (Glue reads only username and password from SECRET_ID,
 * and reading the secret in Terraform would put the password in plan and state); synth checks they agree with
 * `database` when both are known.
 */
import { Connections, MigrationStack, NetworkRef, Testing } from '../../../modules/core';
import { GlueJdbcConnection, GlueJdbcConnectionProps, GlueSecurityGroup } from '../../../modules/glue-common';

const NETWORK: NetworkRef = { vpcId: 'vpc-123', privateSubnets: [{ id: 'subnet-a', availabilityZone: 'eu-west-2a' }] };
const SECRET = 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:pg-AbCdEf';

function connect(props: Partial<GlueJdbcConnectionProps>, database: GlueJdbcConnectionProps['database']): GlueJdbcConnection {
  const stack = new MigrationStack(Testing.app(), 'test', { project: 'demo', environment: 'staging', production: false, region: 'eu-west-2' });
  const securityGroup = new GlueSecurityGroup(stack, 'sg', { network: NETWORK, component: 'glue' });
  return new GlueJdbcConnection(stack, 'target', {
    component: 'target', engine: 'postgresql', host: 'pg.internal', databaseName: 'app', secretArn: SECRET, securityGroup, database, ...props,
  });
}
/** A database as the modules expose it: its security group and port (`connections`), and an address when literal. */
function database(port: number, address?: string): GlueJdbcConnectionProps['database'] {
  const connections = new Connections(new MigrationStack(Testing.app(), 'db', { project: 'demo', environment: 'staging', production: false, region: 'eu-west-2' }), {
    securityGroupId: 'sg-db', defaultPort: port, description: 'postgres shop-staging-db',
  });
  return address === undefined ? { connections } : ({ connections, address } as GlueJdbcConnectionProps['database']);
}

describe('GlueJdbcConnection host and port against its database', () => {
  test('the engine default port that is not the database\'s port fails at synth, naming both and the fix', () => {
    expect(() => connect({ engine: 'mysql' }, database(5432))).toThrow(
      /target: port 3306 \(the mysql default\) is not the port of database \(postgres shop-staging-db\), 5432: .* Set port: 5432/,
    );
  });

  test('an explicit port that is not the database\'s port fails at synth', () => {
    expect(() => connect({ port: 5433 }, database(5432))).toThrow(/port 5433 is not the port of database \(postgres shop-staging-db\), 5432/);
  });

  test('a literal host that is not the database\'s literal address fails at synth; the same name in other case passes', () => {
    expect(() => connect({}, database(5432, 'pg.other.internal'))).toThrow(/host "pg.internal" is not the address of database \(postgres shop-staging-db\), "pg.other.internal"/);
    expect(connect({ host: 'PG.internal' }, database(5432, 'pg.internal')).jdbcUrl).toBe('jdbc:postgresql://PG.internal:5432/app');
  });

  test('a matching port, or no database: no error', () => {
    expect(connect({}, database(5432)).port).toBe(5432);
    expect(connect({ engine: 'mysql' }, undefined).port).toBe(3306);
  });
});
