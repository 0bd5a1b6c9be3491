import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { check, checkRange, isResolved, MigrationStack, NodejsLambda, TerraformResource } from '../core';
import { DmsReplicationTask } from './replication-task';

export interface DmsTaskResumerProps {
  /** Component for physical names. @default `${task component}-resumer` */
  readonly component: string;
  /** The CDC (or full-load-and-cdc) task to resume. */
  readonly task: DmsReplicationTask;
  /**
   * Invoke the resume from Terraform (`aws_lambda_invocation`) whenever the task's settings or mappings change, so an apply that stopped the running task to modify it leaves it running again. The first apply
   * (task just created, never run) resumes nothing. With it off, resume by hand:
   * `aws lambda invoke --function-name <name> --payload '{"action":"resume"}' out.json`.
   * @default true
   */
  readonly resumeAfterApply?: boolean;
  /** How long the resume waits for the task to settle and run. @default 300 */
  readonly timeoutSeconds?: number;
}

/**
 * Resumes a stopped CDC task from its checkpoint (`resume-processing`) through the `dms-task-runner` Lambda. Why:
 * the provider stops a running task to modify it (ModifyReplicationTask: "The task must be stopped before you can
 * modify it") and starts it again only with `start_replication_task`, which this kit leaves off (provider bug #43466,
 * and a first start belongs to the runbook). Without a resume, an apply that changes a running task's settings
 * leaves change capture stopped until someone notices.
 */
export class DmsTaskResumer extends Construct {
  readonly function: NodejsLambda;
  readonly invocation?: LambdaInvocation;

  constructor(scope: Construct, id: string, props: DmsTaskResumerProps) {
    super(scope, id);
    MigrationStack.of(this);
    checkRange(this, 'timeoutSeconds', props.timeoutSeconds, 60, 900);
    check(
      props.task.migrationType !== 'full-load',
      this,
      `task ${props.task.node.path} is a full-load task; resume-processing would reload its partly loaded tables. Resume applies to 'cdc' and 'full-load-and-cdc' tasks; reload full loads with schedule (DmsScheduledFullLoad).`,
    );
    this.function = new NodejsLambda(this, 'function', {
      entry: 'dms-task-runner',
      component: props.component,
      description: `Resumes DMS task ${props.task.replicationTaskId} from its checkpoint after a change`,
      timeoutSeconds: props.timeoutSeconds ?? 300,
      memoryMiB: 256,
      reservedConcurrency: 1,
      environment: { REPLICATION_TASK_ARN: props.task.replicationTaskArn, POLL_INTERVAL_SECONDS: '15', SAFETY_MARGIN_SECONDS: '15' },
    });
    this.function.role.addToPolicy({ sid: 'ResumeTask', actions: ['dms:StartReplicationTask'], resources: [props.task.replicationTaskArn] });
    // DescribeReplicationTasks has no resource-level permissions (Service Authorization Reference): "*", filtered by ARN in the call.
    this.function.role.addToPolicy({ sid: 'DescribeTasks', actions: ['dms:DescribeReplicationTasks'], resources: ['*'] });

    if (props.resumeAfterApply !== false) {
      const t = props.task.task;
      this.invocation = new LambdaInvocation(this, 'resume-after-apply', {
        functionName: this.function.function.functionName,
        input: JSON.stringify({ action: 'resume' }),
        // The provider's update (stop, modify, wait for the modification) has finished before this runs: the
        // invocation depends on the task, and re-runs when its settings or mappings change. Not on a new CDC start
        // point: resume-processing continues from the checkpoint and would ignore it; a new start point is a
        // deliberate restart with start-replication (StartReplicationTask API reference), left to the operator.
        triggers: {
          settings: digest(props.task.settingsJson),
          mappings: digest(props.task.tableMappingsJson),
        },
        dependsOn: [t, this.function.function, ...this.function.role.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource)],
      });
    }
  }
}

/** A short fingerprint for a trigger (the documents themselves would fill the state); tokens pass through as they are. */
function digest(document: string): string {
  return isResolved(document) ? `sha256:${createHash('sha256').update(document).digest('hex')}` : document;
}
