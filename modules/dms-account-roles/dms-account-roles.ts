import { Construct } from 'constructs';
import { DataAwsIamRole } from '@cdktf/provider-aws/lib/data-aws-iam-role';
import { checkRange, ITerraformDependable, MigrationStack, ServiceRole, TerraformResource } from '../core';
import { DmsAccountRolesProps } from './props';

/** Role names DMS looks up by name in every account; they cannot carry the project prefix. */
export const DMS_VPC_ROLE_NAME = 'dms-vpc-role';
export const DMS_CLOUDWATCH_LOGS_ROLE_NAME = 'dms-cloudwatch-logs-role';

/**
 * The two account-wide roles DMS needs before any subnet group, instance or task exists:
 * `dms-vpc-role` (AmazonDMSVPCManagementRole: ENIs in your subnets) and `dms-cloudwatch-logs-role`
 * (AmazonDMSCloudWatchLogsRole: task logs). They have fixed names, so an account has them once: one stack
 * creates them (`mode: 'create'`), every other stack adopts them (`mode: 'adopt'`). Either way `dependable`
 * is what DMS resources depend on; in create mode it includes a wait for IAM propagation.
 */
export class DmsAccountRoles extends Construct {
  readonly vpcRoleArn: string;
  readonly cloudwatchLogsRoleArn: string;
  readonly mode: 'create' | 'adopt';
  /** Make DMS resources depend on this (`dependsOn: [roles.dependable]`). */
  readonly dependable: ITerraformDependable;

  constructor(scope: Construct, id: string, props: DmsAccountRolesProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    this.mode = props.mode;
    checkRange(this, 'propagationWaitSeconds', props.propagationWaitSeconds, 0, 300);
    const partition = stack.partition;

    if (props.mode === 'create') {
      const vpc = new ServiceRole(this, 'vpc-role', {
        name: DMS_VPC_ROLE_NAME,
        path: '/', // not the stack's iam.rolePath: DMS finds the role at role/<name> (see modules/core/README.md)
        servicePrincipal: 'dms.amazonaws.com',
        description: 'DMS account role: manages network interfaces of replication instances in the VPC (fixed name, one per account)',
        managedPolicyArns: [`arn:${partition}:iam::aws:policy/service-role/AmazonDMSVPCManagementRole`],
      });
      const logs = new ServiceRole(this, 'cloudwatch-logs-role', {
        name: DMS_CLOUDWATCH_LOGS_ROLE_NAME,
        path: '/', // not the stack's iam.rolePath: DMS finds the role at role/<name> (see modules/core/README.md)
        servicePrincipal: 'dms.amazonaws.com',
        description: 'DMS account role: writes replication task logs to CloudWatch Logs (fixed name, one per account)',
        managedPolicyArns: [`arn:${partition}:iam::aws:policy/service-role/AmazonDMSCloudWatchLogsRole`],
      });
      this.vpcRoleArn = vpc.arn;
      this.cloudwatchLogsRoleArn = logs.arn;
      const wait = props.propagationWaitSeconds ?? 30;
      // terraform_data is built into Terraform (no extra provider). The sleep runs once, after both roles and
      // their policy attachments exist, and again only if a role is replaced.
      const attachments = [vpc, logs].flatMap((r) => r.node.children.filter((c): c is TerraformResource => c instanceof TerraformResource));
      const waiter = new TerraformResource(this, 'iam-propagation', {
        terraformResourceType: 'terraform_data',
        dependsOn: attachments,
        provisioners: wait > 0 ? [{ type: 'local-exec', command: `sleep ${wait}` }] : undefined,
      });
      waiter.addOverride('triggers_replace', [vpc.arn, logs.arn]);
      this.dependable = waiter;
    } else {
      const vpc = new DataAwsIamRole(this, 'vpc-role', { name: DMS_VPC_ROLE_NAME });
      const logs = new DataAwsIamRole(this, 'cloudwatch-logs-role', { name: DMS_CLOUDWATCH_LOGS_ROLE_NAME });
      this.vpcRoleArn = vpc.arn;
      this.cloudwatchLogsRoleArn = logs.arn;
      // Looking the roles up fails the plan (with the role name) when they do not exist yet. DMS resources depend
      // on a terraform_data that reads both lookups, so both are checked before any DMS resource is planned (and
      // neither lookup is an unused declaration).
      const wait = props.propagationWaitSeconds ?? 0;
      const adopted = new TerraformResource(this, wait > 0 ? 'iam-propagation' : 'adopted-roles', {
        terraformResourceType: 'terraform_data',
        provisioners: wait > 0 ? [{ type: 'local-exec', command: `sleep ${wait}` }] : undefined,
      });
      adopted.addOverride('triggers_replace', [vpc.arn, logs.arn]);
      this.dependable = adopted;
    }
  }
}
