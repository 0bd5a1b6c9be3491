import type { IConnectable, IGrantable, ITerraformDependable, NetworkRef, SubnetRef } from '../core';
import type { GlueJobRole } from './job-role';
import type { GluePythonWheels } from './python-wheels';
import type { GlueScript } from './script';
import type { GlueSecurityConfiguration } from './security-configuration';

/** Where Glue scripts and data live: a bucket by name and ARN, and the CMK its objects are encrypted with. */
export interface GlueBucketRef {
  /** Bucket name, e.g. `billing-prod-glue`. */
  readonly bucketName: string;
  /** Bucket ARN, e.g. `arn:aws:s3:::billing-prod-glue`. */
  readonly bucketArn: string;
  /** CMK used for the bucket's default SSE-KMS encryption (grants add kms:Decrypt / GenerateDataKey on it). */
  readonly kmsKeyArn?: string;
}

export interface GlueKmsKeyProps {
  /** Component for the alias, e.g. `glue` -> `alias/billing-prod-glue`. */
  readonly component: string;
  /** @default "Glue job data, bookmarks and logs" */
  readonly description?: string;
  /**
   * Log-group name prefixes CloudWatch Logs may encrypt with this key (key policy condition on
   * `kms:EncryptionContext:aws:logs:arn`).
   * @default ['/aws-glue/']
   */
  readonly logGroupNamePrefixes?: readonly string[];
  /**
   * AWS services that publish to SNS topics encrypted with this key, e.g. `['events.amazonaws.com']` for EventBridge
   * rules (`FailureNotifications`): the key policy lets them call `kms:GenerateDataKey` and `kms:Decrypt`, for this
   * account only (`aws:SourceAccount`). IAM principals of the account need no entry (the policy delegates to IAM).
   * @default none
   */
  readonly topicPublishers?: readonly string[];
}

export interface GlueSecurityConfigurationProps {
  /** Component for the physical name. @default 'glue' */
  readonly component?: string;
  /**
   * Bring your own CMK (its key policy must admit `logs.<region>.amazonaws.com` for `/aws-glue/*` log groups),
   * or let the construct create a `GlueKmsKey`.
   * @default a new GlueKmsKey
   */
  readonly kmsKeyArn?: string;
}

export interface GlueSecurityGroupProps {
  /** The VPC and private subnets the Glue jobs' network interfaces are placed in. */
  readonly network: NetworkRef;
  /** Component for the physical name, e.g. `etl-glue`. */
  readonly component: string;
  /** @default "Glue jobs <name>: self-referencing rule for Spark workers" */
  readonly description?: string;
}

/** The security group a Glue connection places the job's network interfaces in. */
export interface IGlueSecurityGroup extends IConnectable {
  readonly securityGroupId: string;
  readonly network: NetworkRef;
}

export type GlueJdbcEngine = 'mysql' | 'postgresql';

export interface GlueJdbcConnectionProps {
  /** Component for the connection name, e.g. `source-mysql`. */
  readonly component: string;
  /** @default "<engine> <databaseName> at <host>" */
  readonly description?: string;
  /** Database engine; decides the JDBC URL scheme and the default port. */
  readonly engine: GlueJdbcEngine;
  /** Database host name (endpoint address, not a URL). */
  readonly host: string;
  /** @default 3306 for mysql, 5432 for postgresql */
  readonly port?: number;
  /** Database (schema) name in the JDBC URL. */
  readonly databaseName: string;
  /**
   * Secrets Manager secret holding `{"username": ..., "password": ...}` (e.g. an RDS-managed master secret).
   * Goes in `SECRET_ID`: the password never appears in the connection or in state.
   */
  readonly secretArn: string;
  /** CMK encrypting the secret, when it is not the AWS-managed key (grants add kms:Decrypt). */
  readonly secretKmsKeyArn?: string;
  /**
   * The connection always enforces TLS with host-name matching (`JDBC_ENFORCE_SSL`): the server must present a
   * certificate for `host` that chains to a CA Glue trusts. For a database whose certificate comes from a private or
   * self-signed CA (an on-premises MySQL, say), give the S3 URI of that root CA certificate (`CUSTOM_JDBC_CERT`):
   * X.509, DER-encoded, supplied Base64 (PEM); Glue accepts SHA256withRSA, SHA384withRSA or SHA512withRSA signatures
   * and RSA keys of at least 2048 bits. Users of the connection are granted s3:GetObject on it.
   * See https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-catalog-connections.html (ConnectionProperties).
   * @default none: the certificate must chain to a CA in Glue's default trust store
   */
  readonly tlsCaCertificateS3Uri?: string;
  /** Security group for the job's network interfaces (self-referencing rule included). */
  readonly securityGroup: IGlueSecurityGroup;
  /**
   * Subnet Glue places the job's network interfaces in; must route to the database.
   * @default the first private subnet of `securityGroup.network`
   */
  readonly subnet?: SubnetRef;
  /**
   * The database's connections: when given, the Glue security group is admitted on its default port
   * (ingress on the database group, egress on the Glue group), by security-group reference.
   */
  readonly database?: IConnectable;
}

export interface GlueNetworkConnectionProps {
  /** Component for the connection name, e.g. `neptune-network`. */
  readonly component: string;
  /** @default "Network path for Glue jobs in <vpc>" */
  readonly description?: string;
  readonly securityGroup: IGlueSecurityGroup;
  /** @default the first private subnet of `securityGroup.network` */
  readonly subnet?: SubnetRef;
}

/** A Glue connection a job can use: JDBC or NETWORK. */
export interface IGlueConnection {
  readonly connectionName: string;
  readonly connectionArn: string;
  readonly connectionType: 'JDBC' | 'NETWORK';
  /** The connection resource (jobs depend on it: they name connections by literal name). */
  readonly connection: ITerraformDependable;
  /** glue:GetConnection on the connection (and the secret read for JDBC). */
  grantUse(grantee: IGrantable): void;
}

export interface GlueJobRoleProps {
  /** Component for the role name, e.g. `etl-extract` -> `billing-prod-etl-extract-glue`. */
  readonly component: string;
  /** @default "Glue job role <name>" */
  readonly description?: string;
}

export interface GlueScriptProps {
  /** Bucket the script is uploaded to. */
  readonly bucket: GlueBucketRef;
  /** Path under `templates/glue/`, e.g. `etl/extract.py`. */
  readonly path: string;
  /** @default 'scripts/' */
  readonly keyPrefix?: string;
}

export type GlueVersion = '4.0' | '5.0';
export type GlueWorkerType = 'G.025X' | 'G.1X' | 'G.2X' | 'G.4X' | 'G.8X' | 'R.1X' | 'R.2X' | 'R.4X' | 'R.8X';

export interface GlueJobProps {
  /** Component for the job name, e.g. `etl-extract`. */
  readonly component: string;
  readonly description: string;
  /** The entry script (a `GlueScript`). */
  readonly script: GlueScript;
  /** Encryption of S3 output, CloudWatch logs and bookmarks (GLUE-SECURITY-CONFIG). */
  readonly securityConfiguration: GlueSecurityConfiguration;
  /** Role the job runs as. @default a new GlueJobRole for this job only */
  readonly role?: GlueJobRole;
  /** JDBC / NETWORK connections; their use is granted to the role. @default none */
  readonly connections?: readonly IGlueConnection[];
  /** @default '5.0' */
  readonly glueVersion?: GlueVersion;
  /** @default 'G.1X' */
  readonly workerType?: GlueWorkerType;
  /** @default 2 */
  readonly numberOfWorkers?: number;
  /** @default 120 */
  readonly timeoutMinutes?: number;
  /** Glue-level retries; leave 0 when Step Functions retries the run. @default 0 */
  readonly maxRetries?: number;
  /** @default 1 (runs of one job never overlap: bookmarks and staging tables assume it) */
  readonly maxConcurrentRuns?: number;
  /** Job bookmarks (`--job-bookmark-option job-bookmark-enable`) for incremental runs. @default false */
  readonly jobBookmarks?: boolean;
  /** Extra job arguments, keys starting with `--`. Non-secret values only (names, ARNs, S3 URIs, JSON). */
  readonly arguments?: Record<string, string>;
  /** Extra Python modules (`--extra-py-files`), e.g. GlueScripts of shared helpers. @default none */
  readonly extraPyFiles?: readonly GlueScript[];
  /**
   * Wheels installed offline from S3 (`--additional-python-modules` = their URIs, `--python-modules-installer-option
   * --no-index`): the role may read them and the job waits for their upload. Built for the same `glueVersion`.
   * @default none
   */
  readonly pythonWheels?: GluePythonWheels;
  /** @default 30 in non-production, 365 in production */
  readonly logRetentionDays?: number;
}

export interface GlueDataBucketProps {
  /** Component for the bucket name, e.g. `etl-data`. */
  readonly component: string;
  /**
   * The bucket's whole name. S3 names are global across every AWS account, so the generated one may be taken; this or
   * `bucketNameSuffix` picks one that is free. Checked at synth: 3-63 characters, lower-case letters, digits and
   * dashes, starting and ending with a letter or digit. Changing it replaces the bucket.
   * @default `${project}-${environment}-${component}` (plus `bucketNameSuffix`)
   */
  readonly bucketName?: string;
  /**
   * Appended to the generated name, e.g. the account id: `billing-prod-etl-data-123456789012`. Lower-case letters,
   * digits and dashes; the whole name must fit 63 characters (checked at synth). @default none
   */
  readonly bucketNameSuffix?: string;
  /** CMK for default SSE-KMS encryption (usually the security configuration's key). */
  readonly kmsKeyArn: string;
  /** Days before non-current object versions expire. @default 30 */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Prefixes whose objects expire (e.g. staged copies of database rows): `{ prefix: 'runs/', days: 14 }`.
   * Their non-current versions expire a day later. @default none
   */
  readonly expirations?: readonly { readonly prefix: string; readonly days: number }[];
}
