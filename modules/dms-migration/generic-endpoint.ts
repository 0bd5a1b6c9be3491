import { Construct } from 'constructs';
import { ValidationError } from '../core';
import { DatabaseEndpointBase, DatabaseEndpointProps } from './endpoints';

/**
 * EngineName values of the DMS API (CreateEndpoint, "EngineName":
 * https://docs.aws.amazon.com/dms/latest/APIReference/API_CreateEndpoint.html) whose endpoints log in with a
 * Secrets Manager secret, which `GenericDmsEndpoint` always uses.
 */
export const GENERIC_ENGINES = [
  'mysql',
  'oracle',
  'postgres',
  'mariadb',
  'aurora',
  'aurora-postgresql',
  'aurora-serverless',
  'aurora-postgresql-serverless',
  'db2',
  'db2-zos',
  'azuredb',
  'azure-sql-managed-instance',
  'gcp-mysql',
  'sybase',
  'mongodb',
  'docdb',
  'sqlserver',
  'babelfish',
] as const;

/** Engine and endpoint type pairs the kit types (with checks a generic endpoint skips): a generic endpoint refuses them. */
const TYPED_OR_SECRETLESS: Readonly<Record<string, string>> = {
  'postgres source': 'PostgresSourceEndpoint (kind "postgres")',
  'aurora-postgresql source': "PostgresSourceEndpoint with engine 'aurora-postgresql'",
  'postgres target': 'PostgresTargetEndpoint (kind "postgres")',
  'aurora-postgresql target': "PostgresTargetEndpoint with engine 'aurora-postgresql'",
  'sqlserver source': 'SqlServerSourceEndpoint (kind "sqlserver")',
  'mysql source': 'MySqlSourceEndpoint (kind "mysql")',
  'aurora source': "MySqlSourceEndpoint with engine 'aurora'",
  'mysql target': 'MySqlTargetEndpoint (kind "mysql")',
  'mariadb target': 'MySqlTargetEndpoint (kind "mysql")',
  'aurora target': "MySqlTargetEndpoint with engine 'aurora'",
  'oracle source': 'OracleSourceEndpoint (kind "oracle")',
  's3 source': 'S3SourceEndpoint (kind "s3")',
  's3 target': 'S3TargetEndpoint (kind "s3")',
  'kinesis target': 'KinesisTargetEndpoint (kind "kinesis")',
};

/**
 * Engines whose TLS a generic endpoint (`require` or `verify-full`, as every database endpoint of the kit) cannot
 * express: DMS User Guide, "Using SSL with AWS DMS" (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Security.SSL.html).
 */
const TLS_UNSUPPORTED: Readonly<Record<string, string>> = {
  redshift:
    'DMS does not support SSL connections to Redshift target endpoints (it loads through S3, which Redshift encrypts; DMS guide "Using SSL with AWS DMS", limitations), and the kit sends no endpoint without TLS. Create the provider DmsEndpoint yourself and waive DMS-SSL for it with that reason.',
  'redshift-serverless':
    'DMS does not support SSL connections to Redshift target endpoints (DMS guide "Using SSL with AWS DMS", limitations), and the kit sends no endpoint without TLS. Create the provider DmsEndpoint yourself and waive DMS-SSL for it with that reason.',
  oracle:
    "DMS Oracle endpoints take only the SSL modes none and verify-ca (with an Oracle wallet), not require or verify-full. Use OracleSourceEndpoint for a source; for a target, create the provider DmsEndpoint with ssl_mode 'verify-ca' and a wallet certificate.",
};

export interface GenericDmsEndpointProps extends Omit<DatabaseEndpointProps, 'port'> {
  /** DMS EngineName, e.g. 'db2', 'mongodb', 'sybase', 'azuredb' (one of `GENERIC_ENGINES`). */
  readonly engineName: string;
  readonly endpointType: 'source' | 'target';
  /** The port the network path is opened on (the secret's `port` must match); no default, engines differ. */
  readonly port: number;
}

/**
 * Any engine the kit does not type, with the kit's login rules: a Secrets Manager secret and an access role made like
 * the typed endpoints', TLS `require` or `verify-full`, the network path from `connections` and `port`. Engine
 * settings go in `overrides`, typed by the provider's `DmsEndpointConfig`
 * (e.g. `{ mongodbSettings: { authMechanism: 'scram-sha-1', nestingLevel: 'one' } }`).
 */
export class GenericDmsEndpoint extends DatabaseEndpointBase {
  readonly endpointType: 'source' | 'target';
  /** A generic target is a database target for task validation. */
  readonly targetKind?: 'database';

  constructor(scope: Construct, id: string, props: GenericDmsEndpointProps) {
    const where = `${scope.node.path}/${id}`;
    if (props.endpointType !== 'source' && props.endpointType !== 'target') {
      throw new ValidationError(where, `endpointType "${props.endpointType}" must be 'source' or 'target'.`);
    }
    const typed = TYPED_OR_SECRETLESS[`${props.engineName} ${props.endpointType}`];
    if (typed) {
      throw new ValidationError(where, `engineName "${props.engineName}" as a ${props.endpointType} has a typed endpoint with its own checks; use ${typed}, whose overrides reach any argument it does not type.`);
    }
    const tls = TLS_UNSUPPORTED[props.engineName];
    if (tls) throw new ValidationError(where, `engineName "${props.engineName}": ${tls}`);
    if (!(GENERIC_ENGINES as readonly string[]).includes(props.engineName)) {
      throw new ValidationError(
        where,
        `engineName "${props.engineName}" is not an engine that logs in with a Secrets Manager secret (${GENERIC_ENGINES.join(', ')}; API CreateEndpoint EngineName). For s3, kinesis and kafka use the typed endpoints; for the others create the provider's DmsEndpoint yourself.`,
      );
    }
    super(scope, id, props, { engineName: props.engineName, endpointType: props.endpointType, defaultPort: props.port });
    this.endpointType = props.endpointType;
    this.targetKind = props.endpointType === 'target' ? 'database' : undefined;
  }
}
