import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { isResolved, ValidationError } from './errors';
import { Lazy, Op } from './cdktf';
import { iamRoleSettingsProblems, MigrationStack } from './stack';

/** One IAM policy statement. Resources may contain Terraform tokens (resolved at plan). */
export interface PolicyStatement {
  readonly sid?: string;
  readonly effect?: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: Record<string, Record<string, string | readonly string[]>>;
}

/** Something that can be granted permissions: a role, or a module that owns one (a Lambda, a Glue job). */
export interface IGrantable {
  readonly grantPrincipal: ServiceRole;
}

/** Actions that AWS cannot scope to a resource; the only ones allowed on `Resource: "*"` (IAM-LEAST-PRIVILEGE). */
export const UNSCOPABLE_ACTIONS = new Set([
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
  'ec2:DescribeSubnets',
  'ec2:DescribeVpcs',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeVpcEndpoints',
  'ec2:DescribeRouteTables',
  'ec2:DescribeVpcAttribute',
  'ec2:DescribeAvailabilityZones',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'cloudwatch:PutMetricData',
  // CloudWatch Logs vended-log delivery (Step Functions, EventBridge Pipes logging): AWS documents these as "*" only.
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
  // DMS list/describe call without resource-level permissions (filtered by ARN in the request).
  'dms:DescribeReplicationTasks',
  // Generates a random string; touches no resource.
  'secretsmanager:GetRandomPassword',
]);

/** Renders statements as an IAM policy JSON document (tokens stay embedded and resolve at plan). */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect ?? 'Allow',
      Action: s.actions.length === 1 ? s.actions[0] : [...s.actions],
      Resource: s.resources.length === 1 ? s.resources[0] : [...s.resources],
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  });
}

/** Service principals whose trust policy supports `aws:SourceAccount` (confused-deputy protection). */
const SOURCE_ACCOUNT_TRUST = new Set([
  'dms.amazonaws.com',
  'rds.amazonaws.com',
  'monitoring.rds.amazonaws.com',
  'glue.amazonaws.com',
  'states.amazonaws.com',
  'lambda.amazonaws.com',
  'events.amazonaws.com',
  'scheduler.amazonaws.com',
  'firehose.amazonaws.com',
  // The VPC guide recommends aws:SourceAccount and aws:SourceArn on the flow-logs role's trust
  // (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html).
  'vpc-flow-logs.amazonaws.com',
]);

export interface ServiceRoleProps {
  /** Physical role name (from `Naming`). */
  readonly name: string;
  /** e.g. `lambda.amazonaws.com`. */
  readonly servicePrincipal: string;
  readonly description: string;
  /** Managed policy ARNs to attach (AWS-managed service-role policies only; never *FullAccess). */
  readonly managedPolicyArns?: readonly string[];
  /** Extra trust conditions (e.g. `aws:SourceArn`), added to the `aws:SourceAccount` one. */
  readonly trustConditions?: Record<string, Record<string, string | readonly string[]>>;
  /**
   * A fixed path that overrides the stack's `iam.rolePath`, for roles a service finds by name at `role/<name>`
   * (DMS's account roles). Every other role takes the stack's path. @default the stack's `iam.rolePath`, else '/'
   */
  readonly path?: string;
}

/**
 * An IAM role for one AWS service with an inline policy built from `addToPolicy` calls (rendered at synth).
 * The trust names the service principal and, where the service supports it, pins `aws:SourceAccount`.
 */
export class ServiceRole extends Construct implements IGrantable {
  readonly role: IamRole;
  /** The role's path (`/` unless the stack's `iam.rolePath` or `path` says otherwise); part of its ARN. */
  readonly path: string;
  private readonly statements: PolicyStatement[] = [];
  private readonly preconditions: Array<{ condition: unknown; errorMessage: string }> = [];
  private policy?: IamRolePolicy;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    const conditions: Record<string, Record<string, string | readonly string[]>> = { ...(props.trustConditions ?? {}) };
    if (SOURCE_ACCOUNT_TRUST.has(props.servicePrincipal)) {
      conditions.StringEquals = { ...(conditions.StringEquals ?? {}), 'aws:SourceAccount': stack.accountId };
    }
    // Every role of the stack carries the stack's boundary and path (MigrationStackProps.iam); the example-stack
    // tests synthesize every role with both set and fail on any that lacks them.
    const settings = stack.iamRoleSettings;
    if (props.path !== undefined) {
      const problems = iamRoleSettingsProblems({ rolePath: props.path });
      if (problems.length) throw new ValidationError(this, problems.join(' ').replace('iam.rolePath', 'path'));
    }
    this.path = props.path ?? settings.rolePath ?? '/';
    this.role = new IamRole(this, 'role', {
      name: props.name,
      path: props.path ?? settings.rolePath,
      permissionsBoundary: settings.permissionsBoundaryArn,
      description: props.description,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: props.servicePrincipal },
            Action: 'sts:AssumeRole',
            ...(Object.keys(conditions).length ? { Condition: conditions } : {}),
          },
        ],
      }),
    });
    // A customer managed policy is attached only in its own account: a boundary from another account fails at plan,
    // naming it, rather than at CreateRole. AWS managed boundaries (account "aws") fit every account.
    const boundaryAccount = isResolved(settings.permissionsBoundaryArn)
      ? /^arn:[^:]+:iam::(\d{12}):policy\//.exec(settings.permissionsBoundaryArn!)?.[1]
      : undefined;
    if (boundaryAccount) {
      this.role.lifecycle = {
        precondition: [
          {
            condition: Op.eq(stack.accountId, boundaryAccount),
            errorMessage: `iam.permissionsBoundaryArn ${settings.permissionsBoundaryArn} is a policy of account ${boundaryAccount}, not the deploying account: a role's boundary must be a managed policy of its own account (or an AWS managed policy). Use the boundary policy the landing zone created in this account.`,
          },
        ],
      };
    }
    (props.managedPolicyArns ?? []).forEach((arn, i) => {
      if (/FullAccess|AdministratorAccess/.test(arn)) {
        throw new ValidationError(this, `managed policy ${arn} is too broad; grant the specific actions with addToPolicy().`);
      }
      new IamRolePolicyAttachment(this, `managed-${i}`, { role: this.role.name, policyArn: arn });
    });
  }

  get grantPrincipal(): ServiceRole {
    return this;
  }

  get arn(): string {
    return this.role.arn;
  }

  get name(): string {
    return this.role.name;
  }

  /** Adds a statement to the role's inline policy. `Resource: "*"` is refused except for unscopable actions. */
  addToPolicy(statement: PolicyStatement): void {
    if (statement.resources.includes('*')) {
      const scoped = statement.actions.filter((a) => !UNSCOPABLE_ACTIONS.has(a));
      if (scoped.length) {
        throw new ValidationError(this, `actions ${scoped.join(', ')} must be scoped to resources, not "*".`);
      }
    }
    if (statement.actions.some((a) => a === '*' || a.endsWith(':*'))) {
      throw new ValidationError(this, `wildcard actions (${statement.actions.join(', ')}) are not allowed; list the actions needed.`);
    }
    this.statements.push(statement);
    this.policy ??= new IamRolePolicy(this, 'policy', {
      role: this.role.id,
      name: 'least-privilege',
      policy: Lazy.stringValue({ produce: () => policyDocument(this.statements) }),
    });
  }

  /**
   * A check Terraform runs at plan on the role's policy (a `precondition`), for what only the plan knows, such as the
   * deploying account. Call it after `addToPolicy`; the message should name the value and the fix.
   */
  addPolicyPrecondition(condition: unknown, errorMessage: string): void {
    if (!this.policy) throw new ValidationError(this, 'addPolicyPrecondition needs a statement first (addToPolicy).');
    this.preconditions.push({ condition, errorMessage });
    this.policy.lifecycle = { ...(this.policy.lifecycle ?? {}), precondition: this.preconditions };
  }
}

/**
 * Read a Secrets Manager secret, and decrypt it with its CMK when one is given: `kms:Decrypt` on that key only when
 * Secrets Manager calls it (`kms:ViaService`). A secret in another account must be encrypted with a customer managed
 * key, whose ARN must then be given, and its owner must allow this role in the secret's resource policy and the key
 * policy (https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html). When the
 * secret's ARN is known and no key is given, the plan fails if the secret is in another account.
 */
export function grantSecretRead(grantee: IGrantable, secretArn: string, kmsKeyArn?: string): void {
  const role = grantee.grantPrincipal;
  const stack = MigrationStack.of(role);
  role.addToPolicy({ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [secretArn] });
  const arn = isResolved(secretArn) ? /^arn:[^:]+:secretsmanager:([^:]+):(\d{12}):secret:/.exec(secretArn) : null;
  if (kmsKeyArn) {
    role.addToPolicy({
      actions: ['kms:Decrypt'],
      resources: [kmsKeyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${arn ? arn[1] : stack.region}.amazonaws.com` } },
    });
  } else if (arn) {
    role.addPolicyPrecondition(
      Op.eq(stack.accountId, arn[2]),
      `${role.node.path} reads secret ${secretArn} of account ${arn[2]}, which is not the deploying account, and was given no kmsKeyArn. A secret shared across accounts must be encrypted with a customer managed key: pass that key's ARN next to the secret ARN (the role gets kms:Decrypt via Secrets Manager), and allow this role in the secret's resource policy and the key's policy in account ${arn[2]}.`,
    );
  }
}

/** Read objects under the given key prefixes of a bucket (and list only those prefixes). */
export function grantS3Read(grantee: IGrantable, bucketArn: string, prefixes: readonly string[] = [''], kmsKeyArn?: string): void {
  const uniq = [...new Set(prefixes)];
  grantee.grantPrincipal.addToPolicy({
    actions: ['s3:GetObject', 's3:GetObjectVersion'],
    resources: uniq.map((p) => `${bucketArn}/${p}*`),
  });
  grantee.grantPrincipal.addToPolicy({
    actions: ['s3:ListBucket'],
    resources: [bucketArn],
    ...(uniq.includes('') ? {} : { conditions: { StringLike: { 's3:prefix': uniq.map((p) => `${p}*`) } } }),
  });
  if (kmsKeyArn) grantee.grantPrincipal.addToPolicy({ actions: ['kms:Decrypt'], resources: [kmsKeyArn] });
}

/** Write objects under the given key prefixes of a bucket. */
export function grantS3Write(grantee: IGrantable, bucketArn: string, prefixes: readonly string[] = [''], kmsKeyArn?: string): void {
  grantee.grantPrincipal.addToPolicy({
    actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
    resources: [...new Set(prefixes)].map((p) => `${bucketArn}/${p}*`),
  });
  if (kmsKeyArn) grantee.grantPrincipal.addToPolicy({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [kmsKeyArn] });
}

/**
 * What a Step Functions state machine's role needs for `logging_configuration` (CloudWatch Logs vended delivery)
 * and X-Ray tracing. AWS documents these actions on `Resource: "*"` only.
 */
export function grantStateMachineObservability(role: ServiceRole): void {
  role.addToPolicy({
    sid: 'LogDelivery',
    actions: [
      'logs:CreateLogDelivery',
      'logs:GetLogDelivery',
      'logs:UpdateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:DescribeResourcePolicies',
      'logs:DescribeLogGroups',
    ],
    resources: ['*'],
  });
  role.addToPolicy({
    sid: 'Tracing',
    actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
    resources: ['*'],
  });
}
