// Fast tests of modules/core/iam.ts: the policy document, the role's trust, what addToPolicy refuses and the grant
// helpers. Each builds one small stack; none synthesizes the example stacks (iam-role-settings.test.ts does).
import {
  grantS3Read,
  grantS3Write,
  grantStateMachineObservability,
  policyDocument,
  ServiceRole,
  ServiceRoleProps,
} from '../../../modules/core';
import { policyStatements, resources, synthJson, SynthJson, testStack } from '../../helpers/synth';

const ACCOUNT = '${data.aws_caller_identity.caller-identity.account_id}';
const BUCKET = 'arn:aws:s3:::demo-staging-landing';
const KEY = 'arn:aws:kms:eu-west-2:123456789012:key/0a1b2c3d-0000-4000-8000-000000000001';

function newRole(props: Partial<ServiceRoleProps> = {}, stack = testStack()) {
  const role = new ServiceRole(stack, 'r', { name: 'demo-staging-r', servicePrincipal: 'glue.amazonaws.com', description: 'test role', ...props });
  return { stack, role };
}

const trustOf = (json: SynthJson) => JSON.parse(resources(json, 'aws_iam_role')[0].assume_role_policy);

describe('policyDocument', () => {
  test('one action and one resource render as strings; Allow by default; no Sid or Condition unless given', () => {
    expect(JSON.parse(policyDocument([{ actions: ['s3:GetObject'], resources: [`${BUCKET}/*`] }]))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/*` }],
    });
  });

  test('keeps the Sid, a Deny, several actions and resources in order, and the conditions', () => {
    const conditions = { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-2.amazonaws.com' } };
    expect(
      JSON.parse(
        policyDocument([
          { sid: 'Both', effect: 'Deny', actions: ['s3:PutObject', 's3:DeleteObject'], resources: [`${BUCKET}/a/*`, `${BUCKET}/b/*`], conditions },
          { actions: ['kms:Decrypt'], resources: [KEY] },
        ]),
      ).Statement,
    ).toEqual([
      { Sid: 'Both', Effect: 'Deny', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: [`${BUCKET}/a/*`, `${BUCKET}/b/*`], Condition: conditions },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY },
    ]);
  });
});

describe('ServiceRole trust', () => {
  // Every service principal this kit's roles use, and events/firehose. aws:SourceAccount in a role's trust is AWS's
  // cross-service confused-deputy protection (IAM global condition keys,
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount).
  test.each([
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
  ])('a role for %s may be assumed by that service only on behalf of the deploying account (aws:SourceAccount)', (service) => {
    const { stack } = newRole({ servicePrincipal: service });
    expect(trustOf(synthJson(stack))).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } },
      ],
    });
  });

  test('a role for a service outside that list has a trust without any Condition block', () => {
    const { stack } = newRole({ servicePrincipal: 'ec2.amazonaws.com' });
    expect(trustOf(synthJson(stack)).Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
  });

  test('extra trust conditions are kept, and the account pin is added beside their own StringEquals keys', () => {
    const sourceArn = 'arn:aws:scheduler:eu-west-2:123456789012:schedule-group/demo';
    const { stack } = newRole({
      servicePrincipal: 'scheduler.amazonaws.com',
      trustConditions: { StringEquals: { 'aws:SourceArn': sourceArn }, ArnLike: { 'aws:SourceArn': `${sourceArn}/*` } },
    });
    expect(trustOf(synthJson(stack)).Statement[0].Condition).toEqual({
      StringEquals: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': ACCOUNT },
      ArnLike: { 'aws:SourceArn': `${sourceArn}/*` },
    });
  });

  test('extra trust conditions are written for a service outside the list too, without an account pin', () => {
    const { stack } = newRole({ servicePrincipal: 'ec2.amazonaws.com', trustConditions: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } });
    expect(trustOf(synthJson(stack)).Statement[0].Condition).toEqual({ StringEquals: { 'aws:SourceVpc': 'vpc-1' } });
  });
});

describe('ServiceRole path, boundary and managed policies', () => {
  test('a fixed path overrides the stack path, on the role and in what the role reports', () => {
    const { stack, role } = newRole({ path: '/service-role/' }, testStack({ iam: { rolePath: '/migration/' } }));
    expect(role.path).toBe('/service-role/');
    expect(resources(synthJson(stack), 'aws_iam_role')[0].path).toBe('/service-role/');
  });

  test('fails when a fixed path is bad, naming the prop "path", not the stack setting', () => {
    expect(() => newRole({ path: 'service-role' })).toThrow(/^test\/r: path "service-role" must be "\/" or start and end with "\/"/);
    expect(() => newRole({ path: 'service-role' })).not.toThrow(/iam\.rolePath/);
  });

  test('a boundary of a named account in another partition is also checked at plan against the deploying account', () => {
    const boundary = 'arn:aws-us-gov:iam::123456789012:policy/team/boundary';
    const { stack } = newRole({}, testStack({ iam: { permissionsBoundaryArn: boundary } }));
    const role = resources(synthJson(stack), 'aws_iam_role')[0];
    expect(role.permissions_boundary).toBe(boundary);
    expect(role.lifecycle.precondition).toEqual([
      {
        condition: `\${(${ACCOUNT.slice(2, -1)} == "123456789012")}`,
        error_message: `iam.permissionsBoundaryArn ${boundary} is a policy of account 123456789012, not the deploying account: a role's boundary must be a managed policy of its own account (or an AWS managed policy). Use the boundary policy the landing zone created in this account.`,
      },
    ]);
  });

  test('without stack settings or a fixed path: path "/", no boundary, no plan-time check, no managed policy', () => {
    const { stack, role } = newRole();
    expect(role.path).toBe('/');
    const json = synthJson(stack);
    const r = resources(json, 'aws_iam_role')[0];
    expect(r.permissions_boundary).toBeUndefined();
    expect(r.lifecycle).toBeUndefined();
    expect(resources(json, 'aws_iam_role_policy_attachment')).toEqual([]);
  });

  test('attaches each managed policy to the role', () => {
    const arns = ['arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole', 'arn:aws:iam::aws:policy/service-role/AmazonDMSVPCManagementRole'];
    const { stack } = newRole({ managedPolicyArns: arns });
    const json = synthJson(stack);
    const roleName = `\${aws_iam_role.${Object.keys(json.resource.aws_iam_role)[0]}.name}`;
    expect(resources(json, 'aws_iam_role_policy_attachment').map((a) => [a.role, a.policy_arn])).toEqual(arns.map((a) => [roleName, a]));
  });

  test('fails when AdministratorAccess is attached, naming the policy and the fix', () => {
    expect(() => newRole({ managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] })).toThrow(
      'test/r: managed policy arn:aws:iam::aws:policy/AdministratorAccess is too broad; grant the specific actions with addToPolicy().',
    );
  });
});

describe('ServiceRole.addToPolicy', () => {
  test('every statement goes into one inline policy named least-privilege on the role; none is written without statements', () => {
    const empty = newRole();
    expect(resources(synthJson(empty.stack), 'aws_iam_role_policy')).toEqual([]);
    const { stack, role } = newRole();
    role.addToPolicy({ actions: ['s3:GetObject'], resources: [`${BUCKET}/*`] });
    role.addToPolicy({ actions: ['kms:Decrypt'], resources: [KEY] });
    const json = synthJson(stack);
    const [policy] = resources(json, 'aws_iam_role_policy');
    expect(resources(json, 'aws_iam_role_policy')).toHaveLength(1);
    expect(policy.name).toBe('least-privilege');
    expect(policy.role).toBe(`\${aws_iam_role.${Object.keys(json.resource.aws_iam_role)[0]}.id}`);
    expect(JSON.parse(policy.policy).Statement).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/*` },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY },
    ]);
  });

  // The actions AWS documents without resource-level permissions that this kit's modules call, e.g. the ENI actions of
  // a Lambda in a VPC (AWS managed policy AWSLambdaVPCAccessExecutionRole grants them on "*",
  // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html).
  test.each([
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
    'logs:CreateLogDelivery',
    'logs:GetLogDelivery',
    'logs:UpdateLogDelivery',
    'logs:DeleteLogDelivery',
    'logs:ListLogDeliveries',
    'logs:PutResourcePolicy',
    'logs:DescribeResourcePolicies',
    'logs:DescribeLogGroups',
    'dms:DescribeReplicationTasks',
    'secretsmanager:GetRandomPassword',
  ])('%s, which cannot be scoped to a resource, may be granted on "*"', (action) => {
    const { role } = newRole();
    expect(() => role.addToPolicy({ actions: [action], resources: ['*'] })).not.toThrow();
  });

  test('fails when "*" is among the resources, listing every action that can be scoped, and only those', () => {
    const { role } = newRole();
    expect(() =>
      role.addToPolicy({ actions: ['s3:GetObject', 'xray:PutTraceSegments', 's3:PutObject'], resources: [`${BUCKET}/*`, '*'] }),
    ).toThrow('test/r: actions s3:GetObject, s3:PutObject must be scoped to resources, not "*".');
  });

  test('fails when an action is "*" or a whole service, listing the actions', () => {
    const { role } = newRole();
    expect(() => role.addToPolicy({ actions: ['*'], resources: [BUCKET] })).toThrow(
      'test/r: wildcard actions (*) are not allowed; list the actions needed.',
    );
    expect(() => role.addToPolicy({ actions: ['s3:GetObject', 's3:*'], resources: [BUCKET] })).toThrow(
      'test/r: wildcard actions (s3:GetObject, s3:*) are not allowed; list the actions needed.',
    );
  });

  test('a refused statement is not added to the policy', () => {
    const { stack, role } = newRole();
    expect(() => role.addToPolicy({ actions: ['s3:*'], resources: [BUCKET] })).toThrow();
    expect(resources(synthJson(stack), 'aws_iam_role_policy')).toEqual([]);
  });
});

describe('ServiceRole.addPolicyPrecondition', () => {
  test('fails before any statement, saying to call addToPolicy first', () => {
    const { role } = newRole();
    expect(() => role.addPolicyPrecondition(true, 'x')).toThrow('test/r: addPolicyPrecondition needs a statement first (addToPolicy).');
  });

  test('every precondition is kept on the policy, in order', () => {
    const { stack, role } = newRole();
    role.addToPolicy({ actions: ['s3:GetObject'], resources: [`${BUCKET}/*`] });
    role.addPolicyPrecondition('${1 == 1}', 'first');
    role.addPolicyPrecondition('${2 == 2}', 'second');
    expect(resources(synthJson(stack), 'aws_iam_role_policy')[0].lifecycle.precondition).toEqual([
      { condition: '${1 == 1}', error_message: 'first' },
      { condition: '${2 == 2}', error_message: 'second' },
    ]);
  });
});

describe('S3 grants', () => {
  const granted = (grant: (role: ServiceRole) => void) => {
    const { stack, role } = newRole();
    grant(role);
    return policyStatements(synthJson(stack));
  };

  test('grantS3Read: objects and listing under each prefix once, and nothing else of the bucket', () => {
    expect(granted((r) => grantS3Read(r, BUCKET, ['in/', 'archive/', 'in/']))).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: [`${BUCKET}/in/*`, `${BUCKET}/archive/*`] },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET, Condition: { StringLike: { 's3:prefix': ['in/*', 'archive/*'] } } },
    ]);
  });

  test('grantS3Read without prefixes reads the whole bucket, and decrypts with the key when one is given', () => {
    expect(granted((r) => grantS3Read(r, BUCKET, undefined, KEY))).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: `${BUCKET}/*` },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY },
    ]);
  });

  test('grantS3Write: put and abort uploads under each prefix once, and encrypt with the key when one is given', () => {
    expect(granted((r) => grantS3Write(r, BUCKET, ['out/', 'out/', 'rejects/'], KEY))).toEqual([
      { Effect: 'Allow', Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Resource: [`${BUCKET}/out/*`, `${BUCKET}/rejects/*`] },
      { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: KEY },
    ]);
    expect(granted((r) => grantS3Write(r, BUCKET))).toEqual([
      { Effect: 'Allow', Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Resource: `${BUCKET}/*` },
    ]);
  });
});

describe('grantStateMachineObservability', () => {
  test('grants the vended log delivery and X-Ray actions, on "*" as AWS documents them', () => {
    expect(granted()).toEqual([
      {
        Sid: 'LogDelivery',
        Effect: 'Allow',
        Action: [
          'logs:CreateLogDelivery',
          'logs:GetLogDelivery',
          'logs:UpdateLogDelivery',
          'logs:DeleteLogDelivery',
          'logs:ListLogDeliveries',
          'logs:PutResourcePolicy',
          'logs:DescribeResourcePolicies',
          'logs:DescribeLogGroups',
        ],
        Resource: '*',
      },
      {
        Sid: 'Tracing',
        Effect: 'Allow',
        Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
        Resource: '*',
      },
    ]);
    function granted() {
      const { stack, role } = newRole({ servicePrincipal: 'states.amazonaws.com' });
      grantStateMachineObservability(role);
      return policyStatements(synthJson(stack));
    }
  });
});
