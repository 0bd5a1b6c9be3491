import { Construct } from 'constructs';
import { check, isResolved, NetworkRef } from '../core';
import { GlueJdbcConnection } from './connection';
import { GlueKmsKey } from './kms-key';
import { GlueJdbcConnectionProps } from './props';
import { GlueSecurityConfiguration } from './security-configuration';
import { GlueSecurityGroup } from './security-group';

export interface GlueSharedResourcesProps {
  /** The VPC and private subnets every sharing module's Glue jobs run in. */
  readonly network: NetworkRef;
  /** Component of the physical names (`alias/<project>-<env>-<component>`, ...). @default 'glue-shared' */
  readonly component?: string;
}

/** A shared JDBC connection as asked for: everything but the security group, which is the shared one. */
export type GlueSharedJdbcConnectionProps = Omit<GlueJdbcConnectionProps, 'securityGroup'>;

/**
 * The Glue building blocks several pipelines in one stack can share, created once: one CMK (`GlueKmsKey`), one
 * security configuration on it, one Glue security group, and one JDBC connection per database. Pass it as `shared`
 * to `GlueEtlPipeline` (and use `jdbcConnection` in your own constructs): two pipelines reading the same MySQL then
 * use one connection, one key and one security group instead of two of each.
 *
 * The key's policy covers what the sharing modules encrypt with it: Glue's log groups (`/aws-glue/`), Step Functions
 * log groups (`/aws/vendedlogs/states/`) and SNS failure topics EventBridge publishes to.
 */
export class GlueSharedResources extends Construct {
  readonly network: NetworkRef;
  readonly kmsKey: GlueKmsKey;
  readonly securityConfiguration: GlueSecurityConfiguration;
  readonly securityGroup: GlueSecurityGroup;
  /** Connections by database (engine, host, port, database name, secret). */
  private readonly connections = new Map<string, GlueJdbcConnection>();

  constructor(scope: Construct, id: string, props: GlueSharedResourcesProps) {
    super(scope, id);
    const component = props.component ?? 'glue-shared';
    this.network = props.network;
    this.kmsKey = new GlueKmsKey(this, 'kms', {
      component,
      description: 'Glue pipelines sharing this key: data, bookmarks, logs, notifications',
      logGroupNamePrefixes: ['/aws-glue/', '/aws/vendedlogs/states/'],
      topicPublishers: ['events.amazonaws.com'],
    });
    this.securityConfiguration = new GlueSecurityConfiguration(this, 'security', { component, kmsKeyArn: this.kmsKey.keyArn });
    this.securityGroup = new GlueSecurityGroup(this, 'sg', { network: props.network, component: `${component}-glue` });
  }

  /**
   * The JDBC connection to a database: created (named after `component`) on the first call for that database, and
   * returned by every later call naming the same engine, host, port, database name and secret, whatever its
   * component. A component already used by a connection to another database fails at synth.
   */
  jdbcConnection(props: GlueSharedJdbcConnectionProps): GlueJdbcConnection {
    const key = [props.engine, props.host, props.port ?? 'default', props.databaseName, props.secretArn].join('|');
    const existing = this.connections.get(key);
    if (existing) return existing;
    const id = `connection-${props.component}`;
    check(
      this.node.tryFindChild(id) === undefined,
      this,
      `shared JDBC connection component "${props.component}" is already used for another database; give ${props.engine} ${props.databaseName} at ${props.host} another component.`,
    );
    const connection = new GlueJdbcConnection(this, id, { ...props, securityGroup: this.securityGroup });
    this.connections.set(key, connection);
    return connection;
  }

  /** Fails at synth when a module in another VPC tries to share these resources (its jobs' ENIs would go nowhere). */
  checkNetwork(scope: Construct, network: NetworkRef): void {
    if (isResolved(network.vpcId) && isResolved(this.network.vpcId)) {
      check(
        network.vpcId === this.network.vpcId,
        scope,
        `shared: the shared Glue resources (${this.node.path}) are in ${this.network.vpcId}, this module's network is ${network.vpcId}; share only within one VPC.`,
      );
    }
  }
}
