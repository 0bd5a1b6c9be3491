import { Construct } from 'constructs';
import { check, isResolved } from '../core';

/**
 * Aurora Serverless v2 capacity in Aurora capacity units (ACU, about 2 GiB of memory each), in steps of 0.5. AWS:
 * "Requirements and limitations for Aurora Serverless v2" and the API's ServerlessV2ScalingConfiguration: minimum
 * 0.5, or 0 where the engine version supports automatic pause; maximum 256 (128 on older versions).
 */
export interface ServerlessV2Capacity {
  /** @example 0.5 */
  readonly minCapacity: number;
  /** @example 16 */
  readonly maxCapacity: number;
}

export interface AuroraTopologyProps {
  readonly engine: 'postgres' | 'aurora-postgresql';
  readonly production: boolean;
  readonly multiAz?: boolean;
  readonly instanceClass?: string;
  readonly readerCount?: number;
  readonly serverlessV2?: ServerlessV2Capacity;
  readonly availabilityZones: readonly string[];
}

export interface AuroraTopology {
  /** Reader instances beside the writer (0 for RDS). */
  readonly readerCount: number;
  /** `db.serverless` for Serverless v2, else undefined (the provisioned class stands). */
  readonly instanceClass?: string;
  /** Serverless v2: the cluster's `serverlessv2_scaling_configuration`. */
  readonly serverless?: ServerlessV2Capacity;
  /** Serverless v2: estimated max_connections at the maximum capacity (memory = maxCapacity x 2 GiB). */
  readonly connectionBudget?: number;
  /** Availability zone of each instance, writer first: round-robin over the private subnets' zones. */
  readonly instanceZones: readonly string[];
}

/** Aurora allows at most 15 Aurora Replicas per cluster. */
export const MAX_AURORA_READERS = 15;

/**
 * The instances of an Aurora cluster: a writer and `readerCount` readers spread over the private subnets' zones,
 * provisioned or Serverless v2. Checked at synth.
 */
export function resolveAuroraTopology(scope: Construct, props: AuroraTopologyProps): AuroraTopology {
  if (props.engine !== 'aurora-postgresql') {
    check(props.readerCount === undefined, scope, 'readerCount applies to Aurora only (engine "aurora-postgresql"); an RDS instance has a Multi-AZ standby (multiAz) and no readers here.');
    check(props.serverlessV2 === undefined, scope, 'serverlessV2 applies to Aurora only (engine "aurora-postgresql").');
    return { readerCount: 0, instanceZones: [] };
  }
  const readers = props.readerCount ?? ((props.multiAz ?? props.production) ? 1 : 0);
  if (isResolved(readers)) {
    check(Number.isInteger(readers) && readers >= 0 && readers <= MAX_AURORA_READERS, scope, `readerCount must be an integer from 0 to ${MAX_AURORA_READERS} (Aurora's replica limit), got ${readers}.`);
    check(!props.production || readers >= 1, scope, 'readerCount cannot be 0 in production: a reader in another zone is what Aurora fails over to. Use preset "non-production" for a single-instance cluster.');
  }
  const zones = [...new Set(props.availabilityZones)];
  const instanceZones = Array.from({ length: 1 + readers }, (_, i) => zones[i % zones.length]);
  const s = props.serverlessV2;
  if (!s) return { readerCount: readers, instanceZones };
  check(
    props.instanceClass === undefined || props.instanceClass === 'db.serverless',
    scope,
    `instanceClass "${props.instanceClass}" conflicts with serverlessV2: Serverless v2 instances are always db.serverless. Remove instanceClass.`,
  );
  const halfStep = (n: number) => Number.isFinite(n) && Math.round(n * 2) === n * 2;
  check(halfStep(s.minCapacity) && s.minCapacity >= 0 && s.minCapacity <= 256, scope, `serverlessV2.minCapacity must be 0 to 256 ACU in steps of 0.5, got ${s.minCapacity}.`);
  check(halfStep(s.maxCapacity) && s.maxCapacity >= 1 && s.maxCapacity <= 256, scope, `serverlessV2.maxCapacity must be 1 to 256 ACU in steps of 0.5 (128 on older engine versions), got ${s.maxCapacity}.`);
  check(s.maxCapacity >= s.minCapacity, scope, `serverlessV2.maxCapacity (${s.maxCapacity}) must be >= minCapacity (${s.minCapacity}).`);
  check(
    !props.production || s.minCapacity >= 0.5,
    scope,
    'serverlessV2.minCapacity 0 (automatic pause) is refused in production: a paused writer makes the next connections wait for it to resume. Use 0.5 or more.',
  );
  // max_connections = LEAST(DBInstanceClassMemory / 9531392, 5000), the memory being that of the maximum capacity.
  const connectionBudget = Math.min(5000, Math.floor((s.maxCapacity * 2 * 1024 ** 3 * 0.9) / 9531392));
  return { readerCount: readers, instanceClass: 'db.serverless', serverless: { minCapacity: s.minCapacity, maxCapacity: s.maxCapacity }, connectionBudget, instanceZones };
}
