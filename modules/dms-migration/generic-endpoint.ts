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
  'redshift',
  'redshift-serverless',
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

/** Engines a generic endpoint refuses: the kit types them (with checks a generic endpoint skips), or they take no login secret. */
const TYPED_OR_SECRETLESS: Readonly<Record<string, string>> = {
  'postgres source': 'PostgresSourceEndpoint (kind "postgres")',
  'aurora-postgresql source': "PostgresSourceEndpoint with engine 'aurora-postgresql'",
  'postgres target': 'PostgresTargetEndpoint (kind "postgres")',
  'aurora-postgresql target': "PostgresTargetEndpoint with engine 'aurora-postgresql'",
  'sqlserver source': 'SqlServerSourceEndpoint (kind "sqlserver")',
  'mysql source': 'MySqlSourceEndpoint (kind "mysql")',
  'aurora source': "MySqlSourceEndpoint with engine 'aurora'",
  's3 source': 'S3SourceEndpoint (kind "s3")',
  's3 target': 'S3TargetEndpoint (kind "s3")',
  'kinesis target': 'KinesisTargetEndpoint (kind "kinesis")',
};

export interface GenericDmsEndpointProps extends Omit<DatabaseEndpointProps, 'port'> {
  /** DMS EngineName, e.g. 'db2', 'mongodb', 'redshift', 'sybase' (one of `GENERIC_ENGINES`). */
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
