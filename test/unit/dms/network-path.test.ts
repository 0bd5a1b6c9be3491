import { Connections, Fn } from '../../../modules/core';
import { DmsAccountRoles } from '../../../modules/dms-account-roles';
import {
  DmsMigration,
  DmsReplicationInstance,
  DmsReplicationTask,
  DmsServerlessReplication,
  GenericDmsEndpoint,
  IDmsEndpoint,
  IDmsReplicationInstance,
  KafkaTargetEndpoint,
  MySqlSourceEndpoint,
  PostgresSourceEndpoint,
  PostgresTargetEndpoint,
  S3SourceEndpoint,
  S3TargetEndpoint,
  SqlServerSourceEndpoint,
  TableMappings,
} from '../../../modules/dms-migration';
import { all, network, newStack, PG_SECRET, synth, Synth } from './helpers';

/**
 * The network path a task opens from DMS to each endpoint (issue: an endpoint given neither `connections` nor a network
 * deployed, then failed its connection test). DMS's guide: the replication instance's security group must let it reach
 * the endpoints, which admit it by security group or by a CIDR range
 * (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_ReplicationInstance.VPC.html).
 */

type Stack = ReturnType<typeof newStack>;
const BUCKET = { bucketName: 'demo-lake', bucketArn: 'arn:aws:s3:::demo-lake', kmsKeyArn: 'arn:aws:kms:eu-west-2:123456789012:key/lake' };
const retail = () => new TableMappings().include({ schema: 'retail' });
const s3Target = (s: Stack) => new S3TargetEndpoint(s, 'lake', { component: 'lake', bucket: BUCKET });
const s3Source = (s: Stack) =>
  new S3SourceEndpoint(s, 'export', { component: 'export', bucket: BUCKET, tables: [{ owner: 'retail', name: 'orders', path: 'retail/orders', columns: [{ name: 'id', type: 'INT8', primaryKey: true }] }] });
const BROKERS = ['kafka-1.corp.internal:9093', 'kafka-2.corp.internal:9094'];

function instanceIn(stack: Stack): DmsReplicationInstance {
  return new DmsReplicationInstance(stack, 'dms', { network, accountRoles: new DmsAccountRoles(stack, 'roles', { mode: 'adopt' }) });
}

function task(stack: Stack, instance: IDmsReplicationInstance, source: IDmsEndpoint, target: IDmsEndpoint): DmsReplicationTask {
  return new DmsReplicationTask(stack, 'task', { component: 't', instance, source, target, migrationType: 'full-load', tableMappings: retail() });
}

/** The egress rules by CIDR on a port other than HTTPS (the placement's own AWS API egress): [group, cidr, port]. */
function cidrEgress(out: Synth): Array<[string, string, number]> {
  return all(out, 'aws_vpc_security_group_egress_rule')
    .filter((r) => r.cidr_ipv4 !== undefined && r.from_port !== 443)
    .map((r) => {
      expect(r).toMatchObject({ ip_protocol: 'tcp', to_port: r.from_port });
      return [r.security_group_id, r.cidr_ipv4, r.from_port] as [string, string, number];
    })
    .sort((a, b) => a[2] - b[2]);
}

/** The reference to the only security group the stack creates (the DMS placement's). */
function dmsGroup(out: Synth): string {
  const ids = Object.keys(out.resource.aws_security_group ?? {});
  expect(ids).toHaveLength(1);
  return `\${aws_security_group.${ids[0]}.id}`;
}

describe('a task refuses an endpoint it has no network path to (neither connections nor egressCidr)', () => {
  test('a MySQL source by host name: the message names the endpoint, host:port and both fixes', () => {
    const stack = newStack();
    const source = new MySqlSourceEndpoint(stack, 'src', { component: 'shop', serverName: 'shop.db.internal', secret: PG_SECRET });
    expect(() => task(stack, instanceIn(stack), source, s3Target(stack))).toThrow(
      'test/src: no network path from DMS demo-staging-dms to mysql source shop.db.internal:3306: its security group allows egress only to the sources and targets it is told about, so the replication would deploy and then fail to connect. Pass connections (the database\'s security group, e.g. a PrivatePostgres) or egressCidr (the network the server is in, e.g. "10.20.0.0/16" for a peered VPC or an on-premises range over the VPN).',
    );
  });

  test.each<[string, (s: Stack) => IDmsEndpoint, (s: Stack) => IDmsEndpoint, string]>([
    [
      'a Postgres source on its own port',
      (s) => new PostgresSourceEndpoint(s, 'src', { component: 'ledger', serverName: 'ledger.db.internal', port: 5433, databaseName: 'ledger', secret: PG_SECRET }),
      s3Target,
      'test/src: no network path from DMS demo-staging-dms to postgres source ledger.db.internal:5433:',
    ],
    [
      'a Postgres target by host name',
      s3Source,
      (s) => new PostgresTargetEndpoint(s, 'pg', { component: 'app', serverName: 'app.db.internal', databaseName: 'app', secret: PG_SECRET }),
      'test/pg: no network path from DMS demo-staging-dms to postgres target app.db.internal:5432:',
    ],
    [
      'a GenericDmsEndpoint (SAP ASE target)',
      s3Source,
      (s) => new GenericDmsEndpoint(s, 'ase', { component: 'ase', engineName: 'sybase', endpointType: 'target', serverName: 'ase.internal', port: 5000, databaseName: 'ledger', secret: PG_SECRET }),
      'test/ase: no network path from DMS demo-staging-dms to sybase target ase.internal:5000:',
    ],
    [
      'a Kafka broker list',
      s3Source,
      (s) => new KafkaTargetEndpoint(s, 'kafka', { component: 'orders', brokers: BROKERS }),
      "test/kafka: no network path from DMS demo-staging-dms to the Kafka brokers kafka-1.corp.internal:9093, kafka-2.corp.internal:9094: its security group allows egress only to the sources and targets it is told about, so the replication would deploy and then fail to connect. Pass connections (the brokers' security group, e.g. the MSK cluster's) or egressCidr (the network the brokers are in",
    ],
  ])('%s', (_name, source, target, message) => {
    const stack = newStack();
    const src = source(stack);
    const tgt = target(stack);
    expect(() => task(stack, instanceIn(stack), src, tgt)).toThrow(message);
  });

  test('a serverless replication (DmsServerlessReplication) refuses it the same way', () => {
    const stack = newStack();
    const source = new MySqlSourceEndpoint(stack, 'src', { component: 'shop', serverName: 'shop.db.internal', secret: PG_SECRET });
    expect(
      () =>
        new DmsServerlessReplication(stack, 'sls', {
          component: 'big',
          network,
          accountRoles: new DmsAccountRoles(stack, 'roles', { mode: 'adopt' }),
          source,
          target: s3Target(stack),
          tableMappings: retail(),
          settings: { validation: false },
        }),
    ).toThrow('test/src: no network path from DMS demo-staging-big to mysql source shop.db.internal:3306:');
  });

  test.each([
    ['a replication instance', { kind: 'instance' as const }],
    ['DMS Serverless', { kind: 'serverless' as const }],
  ])('DmsMigration on %s refuses a source kind given by host name alone', (_name, compute) => {
    const stack = newStack();
    expect(
      () =>
        new DmsMigration(stack, 'm', {
          network,
          accountRoles: new DmsAccountRoles(stack, 'roles', { mode: 'adopt' }),
          source: { kind: 'postgres', serverName: 'ledger.db.internal', databaseName: 'ledger', secret: PG_SECRET },
          target: { kind: 's3', bucket: BUCKET },
          tableMappings: retail(),
          settings: { validation: false },
          monitoring: false,
          resume: false,
          compute,
        }),
    ).toThrow('test/m/source: no network path from DMS demo-staging-migration to postgres source ledger.db.internal:5432:');
  });
});

describe('egressCidr opens exactly one egress rule per port, on the group DMS runs in', () => {
  test('a Postgres source: cidr, tcp, its port, on the replication instance security group', () => {
    const stack = newStack();
    const source = new PostgresSourceEndpoint(stack, 'src', { component: 'ledger', serverName: 'ledger.db.internal', port: 5433, databaseName: 'ledger', secret: PG_SECRET, egressCidr: '10.20.0.0/16' });
    task(stack, instanceIn(stack), source, s3Target(stack));
    const out = synth(stack);
    expect(cidrEgress(out)).toEqual([[dmsGroup(out), '10.20.0.0/16', 5433]]);
    // No security-group rule in either direction is made for it.
    expect(all(out, 'aws_vpc_security_group_egress_rule').filter((r) => r.referenced_security_group_id)).toEqual([]);
    expect(all(out, 'aws_vpc_security_group_ingress_rule')).toEqual([]);
  });

  test('a target too (MySQL source and Postgres target in two networks: one rule each)', () => {
    const stack = newStack();
    const source = new MySqlSourceEndpoint(stack, 'src', { component: 'shop', serverName: 'shop.db.internal', secret: PG_SECRET, egressCidr: '10.20.0.0/16' });
    const target = new PostgresTargetEndpoint(stack, 'pg', { component: 'app', serverName: 'app.db.internal', databaseName: 'app', secret: PG_SECRET, egressCidr: '172.16.8.0/22' });
    task(stack, instanceIn(stack), source, target);
    const out = synth(stack);
    const sg = dmsGroup(out);
    expect(cidrEgress(out)).toEqual([
      [sg, '10.20.0.0/16', 3306],
      [sg, '172.16.8.0/22', 5432],
    ]);
  });

  test('Kafka: one rule per broker port', () => {
    const stack = newStack();
    const source = new MySqlSourceEndpoint(stack, 'src', { component: 'shop', serverName: 'shop.db.internal', secret: PG_SECRET, egressCidr: '10.20.0.0/16' });
    const kafka = new KafkaTargetEndpoint(stack, 'kafka', { component: 'orders', brokers: [...BROKERS, 'kafka-3.corp.internal:9093'], egressCidr: '10.30.0.0/16' });
    task(stack, instanceIn(stack), source, kafka);
    const out = synth(stack);
    const sg = dmsGroup(out);
    expect(cidrEgress(out)).toEqual([
      [sg, '10.20.0.0/16', 3306],
      [sg, '10.30.0.0/16', 9093],
      [sg, '10.30.0.0/16', 9094],
    ]);
  });

  test('Kafka brokers known only at plan: the rules go on brokerPorts (with the literal entries\' ports)', () => {
    const stack = newStack();
    const source = new MySqlSourceEndpoint(stack, 'src', { component: 'shop', serverName: 'shop.db.internal', secret: PG_SECRET, egressCidr: '10.20.0.0/16' });
    const planTime = Fn.join(',', ['kafka-a.corp.internal:9096']);
    const kafka = new KafkaTargetEndpoint(stack, 'kafka', { component: 'orders', brokers: [planTime, 'kafka-3.corp.internal:9093'], brokerPorts: [9096], egressCidr: '10.30.0.0/16' });
    expect(kafka.ports).toEqual([9096, 9093]);
    task(stack, instanceIn(stack), source, kafka);
    const out = synth(stack);
    const sg = dmsGroup(out);
    expect(cidrEgress(out)).toEqual([
      [sg, '10.20.0.0/16', 3306],
      [sg, '10.30.0.0/16', 9093],
      [sg, '10.30.0.0/16', 9096],
    ]);
  });

  test('an adopted instance (DmsReplicationInstance.fromExisting): the rules go on its group', () => {
    const stack = newStack();
    const shared = DmsReplicationInstance.fromExisting(stack, 'shared', { replicationInstanceArn: 'arn:aws:dms:eu-west-2:123456789012:rep:SHARED', replicationInstanceId: 'shared', securityGroupId: 'sg-shared', engineVersion: '3.5.4' });
    const source = new PostgresSourceEndpoint(stack, 'src', { component: 'ledger', serverName: 'ledger.db.internal', databaseName: 'ledger', secret: PG_SECRET, egressCidr: '10.20.0.0/16' });
    const kafka = new KafkaTargetEndpoint(stack, 'kafka', { component: 'orders', brokers: BROKERS, egressCidr: '10.30.0.0/16' });
    task(stack, shared, source, kafka);
    const out = synth(stack);
    expect(out.resource.aws_security_group).toBeUndefined();
    expect(cidrEgress(out)).toEqual([
      ['sg-shared', '10.20.0.0/16', 5432],
      ['sg-shared', '10.30.0.0/16', 9093],
      ['sg-shared', '10.30.0.0/16', 9094],
    ]);
  });

  test('a serverless replication: on the group of its placement', () => {
    const stack = newStack();
    const source = new MySqlSourceEndpoint(stack, 'src', { component: 'shop', serverName: 'shop.db.internal', secret: PG_SECRET, egressCidr: '10.20.0.0/16' });
    new DmsServerlessReplication(stack, 'sls', { component: 'big', network, accountRoles: new DmsAccountRoles(stack, 'roles', { mode: 'adopt' }), source, target: s3Target(stack), tableMappings: retail(), settings: { validation: false } });
    const out = synth(stack);
    expect(cidrEgress(out)).toEqual([[dmsGroup(out), '10.20.0.0/16', 3306]]);
  });
});

describe('egressCidr refusals', () => {
  const group = (s: Stack) => ({ connections: new Connections(s, { securityGroupId: 'sg-db', description: 'db' }) });

  test('fails when egressCidr comes with connections (database endpoint, Postgres target from a database, Kafka)', () => {
    const message = 'egressCidr is set beside the database\'s security group (connections or database), by which the task already admits the replication instance.';
    let s = newStack();
    expect(() => new MySqlSourceEndpoint(s, 'src', { component: 'shop', serverName: 'shop.db.internal', secret: PG_SECRET, connections: group(s), egressCidr: '10.20.0.0/16' })).toThrow(`test/src: ${message}`);
    s = newStack();
    const database = {
      address: 'app.abc.eu-west-2.rds.amazonaws.com',
      port: 5432,
      databaseName: 'app',
      secretKmsKeyArn: 'arn:aws:kms:eu-west-2:123456789012:key/db',
      appUserSecretArn: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:app',
      connections: new Connections(s, { securityGroupId: 'sg-db', defaultPort: 5432, description: 'postgres app' }),
    };
    expect(() => new PostgresTargetEndpoint(s, 'pg', { component: 'app', database, egressCidr: '10.20.0.0/16' })).toThrow(`test/pg: ${message}`);
    s = newStack();
    expect(() => new KafkaTargetEndpoint(s, 'kafka', { component: 'orders', brokers: BROKERS, connections: group(s), egressCidr: '10.30.0.0/16' })).toThrow(
      "test/kafka: egressCidr is set beside connections (the brokers' security group), by which the task already admits the replication instance.",
    );
  });

  test.each([
    ['10.0.0.0', 'egressCidr must be an IPv4 CIDR such as 10.20.0.0/16; got "10.0.0.0".'],
    ['10.0.0.0/33', 'egressCidr must be an IPv4 CIDR such as 10.20.0.0/16; got "10.0.0.0/33".'],
    ['host/16', 'egressCidr must be an IPv4 CIDR such as 10.20.0.0/16; got "host/16".'],
    ['10.0.0.0/16/8', 'egressCidr must be an IPv4 CIDR such as 10.20.0.0/16; got "10.0.0.0/16/8".'],
    ['10.20.30.40/16', 'egressCidr "10.20.30.40/16" is not a network address (its host bits are set); use 10.20.0.0/16, or 10.20.30.40/32 for the one server.'],
    ['192.168.7.255/23', 'egressCidr "192.168.7.255/23" is not a network address (its host bits are set); use 192.168.6.0/23, or 192.168.7.255/32 for the one server.'],
  ])('fails when egressCidr is %s (database endpoint and Kafka)', (cidr, message) => {
    expect(() => new PostgresSourceEndpoint(newStack(), 'src', { component: 'ledger', serverName: 'ledger.db.internal', databaseName: 'ledger', secret: PG_SECRET, egressCidr: cidr })).toThrow(`test/src: ${message}`);
    expect(() => new KafkaTargetEndpoint(newStack(), 'kafka', { component: 'orders', brokers: BROKERS, egressCidr: cidr })).toThrow(`test/kafka: ${message}`);
  });

  test('fails when a Kafka broker is known only at plan and brokerPorts is not given (no port, no rule)', () => {
    const planTime = Fn.join(',', ['kafka-a.corp.internal:9096']);
    expect(() => new KafkaTargetEndpoint(newStack(), 'kafka', { component: 'orders', brokers: [planTime, ...BROKERS], egressCidr: '10.30.0.0/16' })).toThrow(
      'test/kafka: brokers has 1 entry known only at plan (a token), whose port cannot be read at synth: the replication instance would get no security-group rule to those brokers. Pass brokerPorts with the ports they listen on, e.g. brokerPorts: [9094].',
    );
    expect(() => new KafkaTargetEndpoint(newStack(), 'kafka', { component: 'orders', brokers: [planTime, planTime], egressCidr: '10.30.0.0/16' })).toThrow('test/kafka: brokers has 2 entries known only at plan');
  });

  test.each([0, 65536, 9094.5])('fails when brokerPorts holds %s', (port) => {
    expect(() => new KafkaTargetEndpoint(newStack(), 'kafka', { component: 'orders', brokers: BROKERS, brokerPorts: [9092, port], egressCidr: '10.30.0.0/16' })).toThrow(
      `test/kafka: brokerPorts entry ${port} is not a port (an integer from 1 to 65535).`,
    );
  });

  test('fails when brokerPorts comes with an MSK cluster', () => {
    const cluster = { bootstrapBrokersTls: 'b-1.msk:9094', bootstrapBrokersSaslScram: 'b-1.msk:9096' };
    expect(() => new KafkaTargetEndpoint(newStack(), 'kafka', { component: 'orders', brokers: { cluster }, brokerPorts: [9094], egressCidr: '10.30.0.0/16' })).toThrow(
      "test/kafka: brokerPorts is for a list of brokers; an MSK cluster's port follows securityProtocol (9094 TLS, 9096 SASL/SCRAM). Drop brokerPorts.",
    );
  });

  test.each([
    ['10.0.0.0', 'allowEgressToCidr cidr must be an IPv4 CIDR such as 10.20.0.0/16; got "10.0.0.0".'],
    ['300.1.2.3/32', 'allowEgressToCidr cidr must be an IPv4 CIDR such as 10.20.0.0/16; got "300.1.2.3/32".'],
    ['10.20.30.40/16', 'allowEgressToCidr cidr "10.20.30.40/16" is not a network address (its host bits are set); use 10.20.0.0/16, or 10.20.30.40/32 for the one server.'],
  ])('allowEgressToCidr (created and adopted instance) refuses %s as egressCidr does', (cidr, message) => {
    const s = newStack();
    expect(() => instanceIn(s).allowEgressToCidr(cidr, 1433, 'x')).toThrow(`test/dms/placement: ${message}`);
    const shared = DmsReplicationInstance.fromExisting(newStack(), 'shared', { replicationInstanceArn: 'arn:aws:dms:eu-west-2:123456789012:rep:SHARED', replicationInstanceId: 'shared', securityGroupId: 'sg-shared' });
    expect(() => shared.allowEgressToCidr(cidr, 1433, 'x')).toThrow(`test/shared: ${message}`);
  });

  test.each(['10.20.0.0/16', '10.20.30.40/32', '0.0.0.0/0', '172.16.8.0/22'])('accepts %s', (cidr) => {
    expect(() => new PostgresSourceEndpoint(newStack(), 'src', { component: 'ledger', serverName: 'ledger.db.internal', databaseName: 'ledger', secret: PG_SECRET, egressCidr: cidr })).not.toThrow();
  });
});

describe('SQL Server sources given by IPv4 address', () => {
  const sqlServer = (stack: Stack, egressCidr?: string) =>
    new SqlServerSourceEndpoint(stack, 'src', { component: 'legacy', serverAddress: '10.20.30.40', databaseName: 'Billing', mode: 'full-load-only', secret: PG_SECRET, egressCidr });

  test('without egressCidr: egress to address/32 on the port', () => {
    const stack = newStack();
    task(stack, instanceIn(stack), sqlServer(stack), s3Target(stack));
    const out = synth(stack);
    expect(cidrEgress(out)).toEqual([[dmsGroup(out), '10.20.30.40/32', 1433]]);
  });

  test('with egressCidr: the CIDR instead of address/32', () => {
    const stack = newStack();
    task(stack, instanceIn(stack), sqlServer(stack, '10.20.0.0/16'), s3Target(stack));
    const out = synth(stack);
    expect(cidrEgress(out)).toEqual([[dmsGroup(out), '10.20.0.0/16', 1433]]);
  });

  test('a cloud-hosted SQL Server by name has no address to fall back on: refused without a path', () => {
    const stack = newStack();
    const source = new SqlServerSourceEndpoint(stack, 'src', {
      component: 'legacy',
      serverAddress: 'billing.abc.eu-west-2.rds.amazonaws.com',
      databaseName: 'Billing',
      mode: 'full-load-only',
      facts: { edition: 'standard', continuous: false, tablesWithoutPrimaryKey: false, hosting: 'rds' },
      secret: PG_SECRET,
    });
    expect(() => task(stack, instanceIn(stack), source, s3Target(stack))).toThrow('test/src: no network path from DMS demo-staging-dms to sqlserver source billing.abc.eu-west-2.rds.amazonaws.com:1433:');
  });
});
