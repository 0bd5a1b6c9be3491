import { Construct } from 'constructs';
import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';
import { GlueConnection } from '@cdktf/provider-aws/lib/glue-connection';
import { check, checkRange, grantSecretRead, IGrantable, isResolved, MigrationStack, SubnetRef } from '../core';

const S3_OBJECT_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;
import {
  GlueJdbcConnectionProps,
  GlueJdbcEngine,
  GlueNetworkConnectionProps,
  IGlueConnection,
  IGlueSecurityGroup,
} from './props';

const DEFAULT_PORTS: Record<GlueJdbcEngine, number> = { mysql: 3306, postgresql: 5432 };

/** The subnet and AZ for a connection's physical requirements (AZ looked up when the SubnetRef lacks it). */
function physicalRequirements(scope: Construct, securityGroup: IGlueSecurityGroup, subnet: SubnetRef | undefined) {
  const chosen = subnet ?? securityGroup.network.privateSubnets[0];
  check(chosen !== undefined, scope, 'needs a subnet: pass `subnet` or a network with at least one private subnet.');
  const availabilityZone = chosen.availabilityZone ?? new DataAwsSubnet(scope, 'subnet', { id: chosen.id }).availabilityZone;
  return { availabilityZone, subnetId: chosen.id, securityGroupIdList: [securityGroup.securityGroupId] };
}

function grantGetConnection(scope: Construct, grantee: IGrantable, connectionArn: string): void {
  const stack = MigrationStack.of(scope);
  grantee.grantPrincipal.addToPolicy({
    actions: ['glue:GetConnection'],
    resources: [`arn:${stack.partition}:glue:${stack.region}:${stack.accountId}:catalog`, connectionArn],
  });
}

/**
 * `host` and `port` are given next to the secret even when the secret holds them too: Glue reads only the user name
 * and password from `SECRET_ID`, the JDBC URL needs the address at plan time, and reading the secret's value in
 * Terraform (an aws_secretsmanager_secret_version data source) would copy the password into the plan and the state.
 * What can be checked at synth is that they agree with `database` when both are known: its port (the one the
 * security-group rule opens) and its address (when it is a literal, e.g. an ExistingPostgres).
 */
function checkMatchesDatabase(scope: Construct, props: GlueJdbcConnectionProps, port: number): void {
  const database = props.database as (GlueJdbcConnectionProps['database'] & { readonly address?: unknown; readonly port?: unknown }) | undefined;
  if (!database) return;
  const dbPort = typeof database.port === 'number' ? database.port : database.connections.defaultPort;
  const where = database.connections.props.description;
  if (dbPort !== undefined && isResolved(dbPort) && isResolved(port)) {
    check(
      dbPort === port,
      scope,
      `port ${port}${props.port === undefined ? ` (the ${props.engine} default)` : ''} is not the port of database (${where}), ${dbPort}: the JDBC URL would name one port and the security-group rule open the other. Set port: ${dbPort} (or pass the database that listens on ${port}).`,
    );
  }
  const address = database.address;
  if (typeof address === 'string' && isResolved(address) && isResolved(props.host)) {
    check(
      address.toLowerCase() === props.host.toLowerCase(),
      scope,
      `host "${props.host}" is not the address of database (${where}), "${address}": the connection would reach another server than the one whose security group admits it. Set host to the database's address.`,
    );
  }
}

/**
 * A Glue JDBC connection to MySQL or PostgreSQL: credentials from Secrets Manager (`SECRET_ID`, never a
 * PASSWORD property), TLS enforced (`JDBC_ENFORCE_SSL`: TLS with host-name matching, so the database must present a
 * certificate for `host` from a CA Glue trusts, or the CA given as `tlsCaCertificateS3Uri`, `CUSTOM_JDBC_CERT`), and
 * the VPC placement Glue needs (subnet, AZ, the self-referencing security group). Pass `database` to admit the Glue
 * group to the database on its port.
 */
export class GlueJdbcConnection extends Construct implements IGlueConnection {
  readonly connection: GlueConnection;
  readonly connectionName: string;
  readonly connectionType = 'JDBC' as const;
  readonly engine: GlueJdbcEngine;
  readonly jdbcUrl: string;
  readonly port: number;
  readonly secretArn: string;
  /** `CUSTOM_JDBC_CERT`: the root CA certificate the server's certificate is verified against, when given. */
  readonly tlsCaCertificateS3Uri?: string;
  private readonly secretKmsKeyArn?: string;

  constructor(scope: Construct, id: string, props: GlueJdbcConnectionProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    check(
      props.engine === 'mysql' || props.engine === 'postgresql',
      this,
      `engine must be "mysql" or "postgresql", got "${props.engine}".`,
    );
    checkRange(this, 'port', props.port, 1, 65535);
    if (isResolved(props.host)) {
      check(
        /^[A-Za-z0-9.-]+$/.test(props.host),
        this,
        `host must be a bare host name like db.example.internal (no scheme, port or credentials), got "${props.host}".`,
      );
    }
    if (isResolved(props.databaseName)) {
      check(/^[A-Za-z0-9_$-]+$/.test(props.databaseName), this, `databaseName "${props.databaseName}" must be letters, digits, "_", "$" or "-".`);
    }
    check(
      !isResolved(props.secretArn) || /^arn:aws[a-z-]*:secretsmanager:/.test(props.secretArn),
      this,
      `secretArn must be a Secrets Manager secret ARN (arn:aws:secretsmanager:...), got "${props.secretArn}".`,
    );
    if (props.tlsCaCertificateS3Uri !== undefined && isResolved(props.tlsCaCertificateS3Uri)) {
      check(
        S3_OBJECT_URI.test(props.tlsCaCertificateS3Uri),
        this,
        `tlsCaCertificateS3Uri must be the S3 URI of a PEM certificate, e.g. "s3://my-bucket/certs/shop-root-ca.pem"; got "${props.tlsCaCertificateS3Uri}".`,
      );
    }
    this.tlsCaCertificateS3Uri = props.tlsCaCertificateS3Uri;
    this.engine = props.engine;
    this.port = props.port ?? DEFAULT_PORTS[props.engine];
    this.secretArn = props.secretArn;
    this.secretKmsKeyArn = props.secretKmsKeyArn;
    this.jdbcUrl = `jdbc:${props.engine}://${props.host}:${this.port}/${props.databaseName}`;
    checkMatchesDatabase(this, props, this.port);
    this.connectionName = stack.naming.name(props.component, 'glue');
    this.connection = new GlueConnection(this, 'connection', {
      name: this.connectionName,
      description: props.description ?? `${props.engine} ${props.databaseName} at ${props.host}`,
      connectionType: 'JDBC',
      connectionProperties: {
        JDBC_CONNECTION_URL: this.jdbcUrl,
        // TLS with host-name matching (Connection API, JDBC_ENFORCE_SSL); a private CA is given by CUSTOM_JDBC_CERT.
        JDBC_ENFORCE_SSL: 'true',
        ...(props.tlsCaCertificateS3Uri ? { CUSTOM_JDBC_CERT: props.tlsCaCertificateS3Uri } : {}),
        SECRET_ID: props.secretArn,
      },
      physicalConnectionRequirements: physicalRequirements(this, props.securityGroup, props.subnet),
    });
    if (props.database) {
      props.database.connections.allowDefaultPortFrom(props.securityGroup, `JDBC of Glue connection ${this.connectionName}`);
    }
  }

  get connectionArn(): string {
    return this.connection.arn;
  }

  /**
   * glue:GetConnection on this connection, read of its secret (plus kms:Decrypt on the secret's CMK), and of the CA
   * certificate object when there is one.
   */
  grantUse(grantee: IGrantable): void {
    grantGetConnection(this, grantee, this.connectionArn);
    grantSecretRead(grantee, this.secretArn, this.secretKmsKeyArn);
    const cert = this.tlsCaCertificateS3Uri ? S3_OBJECT_URI.exec(this.tlsCaCertificateS3Uri) : null;
    if (cert) {
      const stack = MigrationStack.of(this);
      grantee.grantPrincipal.addToPolicy({ actions: ['s3:GetObject'], resources: [`arn:${stack.partition}:s3:::${cert[1]}/${cert[2]}`] });
    }
  }
}

/**
 * A Glue NETWORK connection: only a VPC placement (subnet, AZ, security group), for jobs that reach a private
 * endpoint such as Neptune over HTTPS/WebSocket. No dummy JDBC URL or credentials.
 */
export class GlueNetworkConnection extends Construct implements IGlueConnection {
  readonly connection: GlueConnection;
  readonly connectionName: string;
  readonly connectionType = 'NETWORK' as const;

  constructor(scope: Construct, id: string, props: GlueNetworkConnectionProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    this.connectionName = stack.naming.name(props.component, 'glue');
    this.connection = new GlueConnection(this, 'connection', {
      name: this.connectionName,
      description: props.description ?? `Network path for Glue jobs in ${props.securityGroup.network.vpcId}`,
      connectionType: 'NETWORK',
      physicalConnectionRequirements: physicalRequirements(this, props.securityGroup, props.subnet),
    });
  }

  get connectionArn(): string {
    return this.connection.arn;
  }

  grantUse(grantee: IGrantable): void {
    grantGetConnection(this, grantee, this.connectionArn);
  }
}
