import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { check, checkRange, isResolved, MigrationStack } from '../core';

/**
 * Alarm thresholds of `PrivatePostgres.addAlarms`. Metric names, dimensions and units are AWS's:
 * "Amazon CloudWatch metrics for Amazon RDS" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html)
 * and "Amazon CloudWatch metrics for Amazon Aurora"
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html).
 */
export interface PostgresAlarmProps {
  /** SNS topic the alarms notify (ALARM and OK), e.g. `DmsMonitoring.topicArn`; its key must let CloudWatch publish. */
  readonly topicArn: string;
  /** `CPUUtilization` (Percent, average) above this. @default 80 */
  readonly cpuPercent?: number;
  /**
   * RDS: `FreeStorageSpace` (Bytes, minimum) below this many GiB. Storage autoscaling grows the volume when free space
   * falls to 10 % of it, so the default sits below that: the alarm fires when autoscaling did not help (ceiling reached,
   * or within its six-hour wait). @default 5 % of allocatedStorageGiB, at least 1
   */
  readonly freeStorageGiB?: number;
  /**
   * Aurora: `FreeLocalStorage` (Bytes, minimum) of the writer below this many GiB. The cluster volume grows by itself and
   * has no free-space metric; local storage (temporary files, logs) is fixed by the instance class. @default 2
   */
  readonly freeLocalStorageGiB?: number;
  /** `FreeableMemory` (Bytes, minimum) below this many MiB. @default 10 % of the instance class memory (256 MiB when unknown) */
  readonly freeableMemoryMiB?: number;
  /**
   * `DatabaseConnections` (Count, maximum) above this percentage of the connection budget (`connectionBudget`, the
   * estimated max_connections): new connections are refused at 100 %. @default 80
   */
  readonly connectionsPercent?: number;
  /**
   * `MaximumUsedTransactionIDs` (Count, maximum) above this. AWS's vacuuming guidance treats 1 billion as "take action"
   * (wraparound makes the database read-only at about 2 billion):
   * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.Autovacuum.NeedVacuuming.html
   * (the Aurora User Guide's page of the same name gives the same levels, and "Resolving identifiable vacuum blockers in
   * Aurora PostgreSQL" tracks the age with this metric).
   * @default 1000000000
   */
  readonly maximumUsedTransactionIds?: number;
  /** Aurora with readers: `AuroraReplicaLag` (Milliseconds, maximum over the READER role) above this. @default 1000 */
  readonly replicaLagMilliseconds?: number;
}

/** What `PostgresAlarms` needs to know about the database (a `PrivatePostgres`). */
export interface WatchedPostgres {
  readonly component: string;
  readonly identifier: string;
  readonly engine: 'postgres' | 'aurora-postgresql';
  readonly connectionBudget: number;
  /** GiB of the instance class, when known. */
  readonly instanceMemoryGiB?: number;
  /** RDS only. */
  readonly allocatedStorageGiB?: number;
  /** Aurora reader instances (0 for RDS). */
  readonly readerCount: number;
}

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/**
 * CloudWatch alarms on the database that takes the load: CPU, free storage (RDS) or free local storage (Aurora),
 * freeable memory, connections against the connection budget, maximum used transaction IDs, and Aurora replica lag
 * when there are readers. RDS alarms use the `DBInstanceIdentifier` dimension; Aurora alarms use `DBClusterIdentifier`
 * with `Role` (WRITER / READER), as AWS advises because instance roles change at failover
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/creating_alarms.html).
 */
export class PostgresAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[] = [];
  private readonly stack: MigrationStack;

  constructor(scope: Construct, id: string, db: WatchedPostgres, props: PostgresAlarmProps) {
    super(scope, id);
    this.stack = MigrationStack.of(this);
    check(!isResolved(props.topicArn) || /^arn:[a-z-]+:sns:/.test(props.topicArn), this, `addAlarms: topicArn "${props.topicArn}" is not an SNS topic ARN; pass e.g. DmsMonitoring.topicArn.`);
    checkRange(this, 'addAlarms cpuPercent', props.cpuPercent, 1, 100);
    checkRange(this, 'addAlarms connectionsPercent', props.connectionsPercent, 1, 100);
    checkRange(this, 'addAlarms freeStorageGiB', props.freeStorageGiB, 1, 65536);
    checkRange(this, 'addAlarms freeLocalStorageGiB', props.freeLocalStorageGiB, 1, 65536);
    checkRange(this, 'addAlarms freeableMemoryMiB', props.freeableMemoryMiB, 1, 4 * 1024 * 1024);
    checkRange(this, 'addAlarms maximumUsedTransactionIds', props.maximumUsedTransactionIds, 1_000_000, 2_000_000_000, 'Wraparound makes the database read-only at about 2 billion.');
    checkRange(this, 'addAlarms replicaLagMilliseconds', props.replicaLagMilliseconds, 1, 3_600_000);
    const aurora = db.engine === 'aurora-postgresql';
    const writer: Record<string, string> = aurora ? { DBClusterIdentifier: db.identifier, Role: 'WRITER' } : { DBInstanceIdentifier: db.identifier };
    const what = aurora ? `the writer of ${db.identifier}` : db.identifier;
    const alarm = (name: string, metric: string, dimensions: Record<string, string>, statistic: string, comparison: string, threshold: number, description: string) => {
      this.alarms.push(
        new CloudwatchMetricAlarm(this, name, {
          alarmName: this.stack.naming.name(`${db.component}-${name}`, 'alarm'),
          alarmDescription: description,
          namespace: 'AWS/RDS',
          metricName: metric,
          dimensions,
          statistic,
          period: 300,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          comparisonOperator: comparison,
          threshold,
          treatMissingData: 'notBreaching',
          alarmActions: [props.topicArn],
          okActions: [props.topicArn],
        }),
      );
    };

    const cpu = props.cpuPercent ?? 80;
    alarm('cpu', 'CPUUtilization', writer, 'Average', 'GreaterThanThreshold', cpu, `CPU of ${what} stayed above ${cpu} %: loads and queries slow down, DMS CDC latency grows. Find the queries in Performance Insights, or scale the instance class.`);

    if (aurora) {
      const gib = props.freeLocalStorageGiB ?? 2;
      alarm('local-storage', 'FreeLocalStorage', writer, 'Minimum', 'LessThanThreshold', gib * GIB, `Local storage of ${what} (temporary files and logs; fixed by the instance class) is below ${gib} GiB: large sorts and index builds will fail. Raise work_mem for them, shorten log retention, or scale the instance class.`);
    } else {
      check(props.freeLocalStorageGiB === undefined, this, 'addAlarms freeLocalStorageGiB applies to Aurora only (FreeLocalStorage); for RDS use freeStorageGiB.');
      const gib = props.freeStorageGiB ?? Math.max(1, Math.ceil((db.allocatedStorageGiB ?? 20) * 0.05));
      alarm('storage', 'FreeStorageSpace', writer, 'Minimum', 'LessThanThreshold', gib * GIB, `Free storage of ${what} is below ${gib} GiB although storage autoscaling grows the volume at 10 % free: the ceiling (maxAllocatedStorageGiB) is reached or autoscaling is waiting. The database stops accepting writes when it is full. Raise maxAllocatedStorageGiB or free space.`);
    }
    if (aurora) check(props.freeStorageGiB === undefined, this, 'addAlarms freeStorageGiB applies to RDS only (FreeStorageSpace): the Aurora cluster volume grows by itself; use freeLocalStorageGiB.');

    const memoryMiB = props.freeableMemoryMiB ?? (db.instanceMemoryGiB ? Math.round(db.instanceMemoryGiB * 1024 * 0.1) : 256);
    alarm('memory', 'FreeableMemory', writer, 'Minimum', 'LessThanThreshold', memoryMiB * MIB, `Freeable memory of ${what} is below ${memoryMiB} MiB: the database swaps and queries slow down. Lower work_mem or connections, or scale the instance class.`);

    const percent = props.connectionsPercent ?? 80;
    const connections = Math.max(1, Math.floor((db.connectionBudget * percent) / 100));
    alarm('connections', 'DatabaseConnections', writer, 'Maximum', 'GreaterThanThreshold', connections, `${what} holds more than ${connections} connections (${percent} % of its estimated max_connections ${db.connectionBudget}): new connections will be refused. Lower Lambda reserved concurrency, DMS parallel load threads or pool sizes, or scale the instance class.`);

    const xids = props.maximumUsedTransactionIds ?? 1_000_000_000;
    alarm('transaction-ids', 'MaximumUsedTransactionIDs', writer, 'Maximum', 'GreaterThanThreshold', xids, `The oldest unfrozen transaction ID of ${what} is more than ${xids} transactions old: at about 2 billion PostgreSQL stops accepting writes (wraparound). Find what blocks autovacuum (long transactions, abandoned replication slots, prepared transactions) and VACUUM FREEZE the oldest tables.`);

    if (aurora && db.readerCount > 0) {
      const lag = props.replicaLagMilliseconds ?? 1000;
      alarm('replica-lag', 'AuroraReplicaLag', { DBClusterIdentifier: db.identifier, Role: 'READER' }, 'Maximum', 'GreaterThanThreshold', lag, `A reader of ${db.identifier} lags the writer by more than ${lag} ms: reads through the reader endpoint see old data. Check the writer's write load and the reader's CPU.`);
    } else {
      check(props.replicaLagMilliseconds === undefined, this, 'addAlarms replicaLagMilliseconds needs Aurora readers (AuroraReplicaLag); this database has none (a Multi-AZ RDS standby is not readable and reports no lag).');
    }
  }
}
