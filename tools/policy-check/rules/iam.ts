import { UNSCOPABLE_ACTIONS } from '../../../modules/core/iam';
import { parsePolicy, PolicyStatementView, statementLabel } from '../iam-document';
import { Rule, violation, Violation } from '../rule';
import { blocks, StackIndex } from '../tf';

/**
 * Actions AWS cannot scope to a resource: the only ones allowed on `Resource: "*"`. The list is modules/core's
 * (which ServiceRole enforces at synth), plus every `ec2:Describe*` call and X-Ray's sampling calls.
 */
export const UNSCOPABLE = new Set([...UNSCOPABLE_ACTIONS, 'xray:GetSamplingRules', 'xray:GetSamplingTargets']);
const isUnscopable = (action: string) => UNSCOPABLE.has(action) || /^ec2:Describe[A-Za-z]+$/.test(action);

/**
 * Service principals whose trust policy must pin `aws:SourceAccount` or `aws:SourceArn` (confused-deputy
 * protection). The same list modules/core's ServiceRole adds the condition for; other services (ec2, ...) are
 * accepted without a condition.
 */
export const SOURCE_CONDITION_SERVICES = new Set([
  'dms.amazonaws.com',
  'rds.amazonaws.com',
  'monitoring.rds.amazonaws.com',
  'glue.amazonaws.com',
  'states.amazonaws.com',
  'lambda.amazonaws.com',
  'events.amazonaws.com',
  'scheduler.amazonaws.com',
  'firehose.amazonaws.com',
  'vpc-flow-logs.amazonaws.com',
]);

/**
 * AWS managed policies that grant an account's administration or a service's every action. AWS also ships
 * "AdministratorAccess-<service>" variants: AdministratorAccess-Amplify "should be considered as powerful as the
 * AdministratorAccess policy" (Amplify guide, "AWS managed policies for AWS Amplify",
 * https://docs.aws.amazon.com/amplify/latest/userguide/security-iam-awsmanpol.html); AdministratorAccess-AWSElasticBeanstalk
 * gives "full administrative permissions" (https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/AWSHowTo.iam.managed-policies.html).
 */
const BROAD_MANAGED = /(AdministratorAccess(-[A-Za-z0-9]+)?|PowerUserAccess|FullAccess)$/;

/** Violations of least privilege in one identity policy's Allow statements. */
export function leastPrivilege(statements: PolicyStatementView[], where: string): Violation[] {
  const out: Violation[] = [];
  for (const s of statements) {
    if (s.effect !== 'Allow') continue;
    const label = `${where} ${statementLabel(s)}`;
    if (s.notActions.length) out.push(violation(`${label} allows NotAction ${s.notActions.join(', ')}: everything else is granted`, 'list the allowed actions in Action'));
    const wild = s.actions.filter((a) => a === '*' || /^[a-z0-9-]+:\*$/i.test(a));
    if (wild.length) out.push(violation(`${label} allows wildcard actions ${wild.join(', ')}`, 'list the specific actions the principal needs'));
    if (s.resources.includes('*') || s.notResources.length) {
      const scoped = s.actions.filter((a) => !isUnscopable(a) && !wild.includes(a));
      if (scoped.length) {
        out.push(violation(`${label} allows ${scoped.join(', ')} on Resource "*"`, 'scope the resources to the ARNs used (only ec2 network-interface/Describe, xray and cloudwatch:PutMetricData may use "*")'));
      }
    }
  }
  return out;
}

function policyViolations(value: unknown, stack: StackIndex, where: string): Violation[] {
  const doc = parsePolicy(value, stack);
  if (doc.error !== undefined) return [violation(`${where}: ${doc.error}`, 'write the policy as a literal JSON document (policyDocument() / ServiceRole.addToPolicy)')];
  return leastPrivilege(doc.statements, where);
}

function managedViolation(arn: unknown): Violation[] {
  return typeof arn === 'string' && BROAD_MANAGED.test(arn) ? [violation(`attaches the broad managed policy ${arn}`, 'grant the specific actions in an inline policy instead')] : [];
}

export const iamRules: Rule[] = [
  {
    id: 'IAM-LEAST-PRIVILEGE',
    summary: 'no * or service:* actions; Resource "*" only for unscopable actions; no AdministratorAccess / *FullAccess attachments',
    types: [
      'aws_iam_role_policy',
      'aws_iam_policy',
      'aws_iam_user_policy',
      'aws_iam_group_policy',
      'aws_iam_role',
      'aws_iam_role_policy_attachment',
      'aws_iam_policy_attachment',
      'aws_iam_user_policy_attachment',
      'aws_iam_group_policy_attachment',
    ],
    check: (r, { stack }) => {
      if (r.type.endsWith('_attachment')) return managedViolation(r.attrs.policy_arn);
      if (r.type === 'aws_iam_role') {
        const arns = Array.isArray(r.attrs.managed_policy_arns) ? r.attrs.managed_policy_arns : [];
        return [
          ...arns.flatMap(managedViolation),
          ...blocks(r.attrs.inline_policy).flatMap((p) => (p.policy === undefined ? [] : policyViolations(p.policy, stack, `inline_policy ${String(p.name ?? '')}`.trim()))),
        ];
      }
      return policyViolations(r.attrs.policy, stack, 'policy');
    },
  },
  {
    id: 'IAM-TRUST',
    summary: 'trust names specific service principals, with aws:SourceAccount/aws:SourceArn where supported',
    types: ['aws_iam_role'],
    check: (r, { stack }) => {
      const doc = parsePolicy(r.attrs.assume_role_policy, stack);
      if (doc.error !== undefined) return [violation(`assume_role_policy: ${doc.error}`, 'write the trust policy as a literal JSON document (ServiceRole does)')];
      const out: Violation[] = [];
      for (const s of doc.statements) {
        if (s.effect !== 'Allow') continue;
        const label = statementLabel(s);
        if (!s.principals.length || s.principals.some((p) => p.type === '*' || p.ids.includes('*'))) {
          out.push(violation(`trust ${label} allows any principal`, 'name the service principal (e.g. lambda.amazonaws.com) or account'));
          continue;
        }
        const pinned = s.conditions.some((c) => /^aws:Source(Account|Arn)$/i.test(c.key));
        for (const service of s.principals.filter((p) => p.type === 'Service').flatMap((p) => p.ids)) {
          if (SOURCE_CONDITION_SERVICES.has(service) && !pinned) {
            out.push(violation(`trust ${label} lets ${service} assume the role from any account`, 'add Condition StringEquals { "aws:SourceAccount": <account id> } (ServiceRole does)'));
          }
        }
      }
      return out;
    },
  },
];
