import { Construct } from 'constructs';
import { DmsReplicationConfig } from '@cdktf/provider-aws/lib/dms-replication-config';
import { DmsAccountRoles } from '../dms-account-roles';
import { check, Connections, IConnectable, MigrationStack, NetworkRef, newKmsKey, ValidationError } from '../core';
import { IDmsEndpoint } from './endpoints';
import { DmsPlacement, IDmsReplicationInstance } from './replication-instance';
import { MigrationType, TableMappingsInput } from './replication-task';
import { TableMappings } from './table-mappings';
import { buildTaskSettings, TaskSettingsProps, validateTaskSettings, VALIDATION_SOURCE_ENGINES } from './task-settings';

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
  readonly settings?: TaskSettingsProps;
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
    const mode = props.source.sqlServerMode;
    const migrationType = props.migrationType ?? (mode === 'full-load-only' ? 'full-load' : 'full-load-and-cdc');
    const targetKind = props.target.targetKind ?? 'database';
    const mappings = props.tableMappings instanceof TableMappings ? props.tableMappings : TableMappings.fromJson(props.tableMappings);
    check(mappings.hasInclude, this, 'table mappings select no table: add at least one include rule.');
    const settings = buildTaskSettings({
      ...(props.settings ?? {}),
      validation: props.settings?.validation ?? (targetKind === 'database' && !mappings.usesMasking && VALIDATION_SOURCE_ENGINES.has(props.source.engineName)),
      targetTablePrepMode: props.settings?.targetTablePrepMode ?? (targetKind === 'database' ? 'TRUNCATE_BEFORE_LOAD' : 'DO_NOTHING'),
      // Full LOB mode where sizes are unknown; S3 and Kinesis targets support only limited LOB mode.
      lob: props.settings?.lob ?? (targetKind === 'database' ? { mode: 'full' } : { mode: 'limited', maxSizeKiB: 32 }),
    });
    const problems = validateTaskSettings(settings, { targetKind, allowDropAndCreate: props.settings?.allowDropAndCreate, masking: mappings.usesMasking, sourceEngine: props.source.engineName });
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
