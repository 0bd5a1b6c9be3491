import { Construct } from 'constructs';
import { DmsReplicationConfig } from '@cdktf/provider-aws/lib/dms-replication-config';
import { DmsAccountRoles } from '../dms-account-roles';
import { check, Connections, IConnectable, MigrationStack, NetworkRef, newKmsKey, ValidationError } from '../core';
import { IDmsEndpoint } from './endpoints';
import { DmsPlacement, IDmsReplicationInstance } from './replication-instance';
import { migrationTypeFor, MigrationType, TableMappingsInput, TaskSettingsInput, toMappings, toSettings } from './replication-task';
import { validateTaskSettings } from './task-settings';

/** DMS Capacity Units DMS Serverless accepts. */
export const SERVERLESS_DCUS = [1, 2, 4, 8, 16, 32, 64, 128, 192, 256, 384] as const;

export interface DmsServerlessReplicationProps {
  readonly component: string;
  readonly network: NetworkRef;
  readonly accountRoles: DmsAccountRoles;
  readonly source: IDmsEndpoint;
  readonly target: IDmsEndpoint;
  /** @default 'full-load-and-cdc' ('full-load' for full-load-only SQL Server sources) */
  readonly migrationType?: MigrationType;
  readonly tableMappings: TableMappingsInput;
  /** Typed settings (safe defaults) or `{ raw }`, validated as a task's are. */
  readonly settings?: TaskSettingsInput;
  /** @default 1 */
  readonly minCapacityUnits?: number;
  /** @default 16 */
  readonly maxCapacityUnits?: number;
  /** @default true in production */
  readonly multiAz?: boolean;
}

/**
 * DMS Serverless (`aws_dms_replication_config`): no instance to size; capacity scales between min and max DCUs.
 * The scale-out option for large or spiky migrations. Same endpoints, mappings and settings as a task.
 */
export class DmsServerlessReplication extends Construct implements IConnectable {
  readonly config: DmsReplicationConfig;
  readonly placement: DmsPlacement;
  readonly replicationConfigArn: string;

  constructor(scope: Construct, id: string, props: DmsServerlessReplicationProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    const min = props.minCapacityUnits ?? 1;
    const max = props.maxCapacityUnits ?? 16;
    for (const [name, value] of [['minCapacityUnits', min], ['maxCapacityUnits', max]] as const) {
      check((SERVERLESS_DCUS as readonly number[]).includes(value), this, `${name} ${value} is not a DMS capacity: use one of ${SERVERLESS_DCUS.join(', ')}.`);
    }
    check(min <= max, this, `minCapacityUnits ${min} is above maxCapacityUnits ${max}.`);
    const multiAz = props.multiAz ?? stack.production;
    check(!(stack.production && !multiAz), this, 'multiAz is false in a production stack; remove multiAz: false.');
    // The same checks as a task: the SQL Server mode's migration types, mappings, and settings (typed or raw).
    const migrationType = migrationTypeFor(this, props.source, props.migrationType);
    const targetKind = props.target.targetKind ?? 'database';
    const mappings = toMappings(this, props.tableMappings);
    check(mappings.hasInclude, this, 'table mappings select no table: add at least one include rule.');
    const resolved = toSettings(this, props.settings, targetKind, mappings.usesMasking, props.source.engineName);
    const settings = resolved.doc;
    const problems = validateTaskSettings(settings, { targetKind, allowDropAndCreate: resolved.allowDropAndCreate, masking: mappings.usesMasking, sourceEngine: props.source.engineName });
    if (problems.length) throw new ValidationError(this, problems.join(' '));

    this.placement = new DmsPlacement(this, 'placement', { network: props.network, component: props.component, accountRoles: props.accountRoles });
    const key = newKmsKey(this, 'key', `${props.component}-dms`, `DMS Serverless ${stack.naming.name(props.component)}`);
    // Serverless exposes the same bind contract as an instance, so endpoints open their paths the same way.
    const asInstance: IDmsReplicationInstance = {
      connections: this.placement.connections,
      replicationInstanceArn: '',
      replicationInstanceId: stack.naming.name(props.component, 'dmsIdentifier'),
      allowEgressToCidr: (cidr, port, description) => this.placement.allowEgressToCidr(cidr, port, description),
    };
    props.source.bind(asInstance);
    props.target.bind(asInstance);
    this.config = new DmsReplicationConfig(this, 'config', {
      replicationConfigIdentifier: stack.naming.name(props.component, 'dmsIdentifier'),
      replicationType: migrationType,
      sourceEndpointArn: props.source.endpointArn,
      targetEndpointArn: props.target.endpointArn,
      tableMappings: mappings.toJson(),
      replicationSettings: JSON.stringify(settings),
      startReplication: false,
      computeConfig: {
        replicationSubnetGroupId: this.placement.subnetGroup.replicationSubnetGroupId,
        vpcSecurityGroupIds: [this.placement.securityGroupId],
        kmsKeyId: key.arn,
        minCapacityUnits: min,
        maxCapacityUnits: max,
        multiAz,
      },
      dependsOn: [props.accountRoles.dependable],
    });
    this.replicationConfigArn = this.config.arn;
  }

  get connections(): Connections {
    return this.placement.connections;
  }
}
