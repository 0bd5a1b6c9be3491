import { findingsOf, messagesOf, Resources } from './helpers';

const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const rolePolicy = (policy: unknown): Resources => ({ aws_iam_role_policy: { p: { role: '${aws_iam_role.r.id}', name: 'least-privilege', policy: policy as string } } });

describe('IAM rules', () => {
  describe('IAM-LEAST-PRIVILEGE', () => {
    test('passes scoped statements, unscopable actions on "*", and broad Deny statements', () => {
      const policy = doc(
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: '${aws_s3_bucket.raw.arn}/incoming/*' },
        { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'ec2:DescribeNetworkInterfaces', 'ec2:CreateNetworkInterface', 'ec2:DescribeInstances'], Resource: '*' },
        { Effect: 'Allow', Action: 'logs:CreateLogDelivery', Resource: '*' },
        { Effect: 'Deny', Action: '*', Resource: '*' },
      );
      expect(findingsOf('IAM-LEAST-PRIVILEGE', rolePolicy(policy))).toEqual([]);
    });

    test.each([
      ['a "*" action', { Effect: 'Allow', Action: '*', Resource: '${aws_s3_bucket.raw.arn}' }, /statement #1 allows wildcard actions \*/],
      ['a service:* action', { Sid: 'All', Effect: 'Allow', Action: ['s3:*'], Resource: '${aws_s3_bucket.raw.arn}' }, /statement "All" allows wildcard actions s3:\*/],
      ['a scopable action on "*"', { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'xray:PutTraceSegments'], Resource: '*' }, /allows secretsmanager:GetSecretValue on Resource "\*"/],
      ['NotAction', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }, /allows NotAction iam:\*: everything else is granted/],
    ])('fails on %s', (_, statement, message) => {
      expect(messagesOf('IAM-LEAST-PRIVILEGE', rolePolicy(doc(statement)))).toMatch(message);
    });

    test('fails when the policy is an unparseable token or absent', () => {
      expect(messagesOf('IAM-LEAST-PRIVILEGE', rolePolicy('${jsonencode(local.p)}'))).toMatch(/policy must be a literal JSON document so it can be reviewed/);
      expect(messagesOf('IAM-LEAST-PRIVILEGE', rolePolicy(undefined))).toMatch(/the policy document is absent/);
      expect(messagesOf('IAM-LEAST-PRIVILEGE', rolePolicy('{"Statement": ['))).toMatch(/the policy is not valid JSON/);
    });

    test('reads data.aws_iam_policy_document statements', () => {
      const data = { aws_iam_policy_document: { d: { statement: [{ actions: ['dynamodb:*'], resources: ['${aws_dynamodb_table.t.arn}'] }] } } };
      expect(messagesOf('IAM-LEAST-PRIVILEGE', rolePolicy('${data.aws_iam_policy_document.d.json}'), { data })).toMatch(/allows wildcard actions dynamodb:\*/);
    });

    test('checks aws_iam_policy, inline role policies and managed attachments', () => {
      expect(messagesOf('IAM-LEAST-PRIVILEGE', { aws_iam_policy: { p: { policy: doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }) } } })).toMatch(/kms:\*/);
      const role = { assume_role_policy: '{}', inline_policy: [{ name: 'x', policy: doc({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }) }] };
      expect(messagesOf('IAM-LEAST-PRIVILEGE', { aws_iam_role: { r: role } })).toMatch(/inline_policy x statement #1 allows sqs:SendMessage on Resource "\*"/);
      expect(messagesOf('IAM-LEAST-PRIVILEGE', { aws_iam_role_policy_attachment: { a: { role: 'r', policy_arn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' } } })).toMatch(
        /attaches the broad managed policy arn:aws:iam::aws:policy\/AmazonS3FullAccess/,
      );
      expect(messagesOf('IAM-LEAST-PRIVILEGE', { aws_iam_role_policy_attachment: { a: { role: 'r', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' } } })).toMatch(/AdministratorAccess/);
      expect(findingsOf('IAM-LEAST-PRIVILEGE', { aws_iam_role_policy_attachment: { a: { role: 'r', policy_arn: 'arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole' } } })).toEqual([]);
    });
  });

  describe('IAM-LEAST-PRIVILEGE: where access hides', () => {
    test('a role\'s managed_policy_arns are judged like attachments', () => {
      const role = { assume_role_policy: '{}', managed_policy_arns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole', 'arn:aws:iam::aws:policy/PowerUserAccess'] };
      const findings = findingsOf('IAM-LEAST-PRIVILEGE', { aws_iam_role: { r: role } });
      expect(findings.map((f) => f.message)).toEqual(['attaches the broad managed policy arn:aws:iam::aws:policy/PowerUserAccess']);
    });

    test('an Allow with NotResource grants every other resource, so scopable actions there fail as on Resource "*"', () => {
      const statement = { Effect: 'Allow', Action: ['s3:GetObject', 'xray:PutTraceSegments'], NotResource: '${aws_s3_bucket.secret.arn}/*' };
      expect(messagesOf('IAM-LEAST-PRIVILEGE', rolePolicy(doc(statement)))).toMatch(/statement #1 allows s3:GetObject on Resource "\*"/);
    });

    test('a wildcard action on Resource "*" is reported once, as a wildcard', () => {
      const messages = findingsOf('IAM-LEAST-PRIVILEGE', rolePolicy(doc({ Effect: 'Allow', Action: ['s3:*', 'ec2:DescribeVpcs'], Resource: '*' }))).map((f) => f.message);
      expect(messages).toEqual(['policy statement #1 allows wildcard actions s3:*']);
    });

    test('names every wildcard and scoped action of a statement', () => {
      const out = messagesOf('IAM-LEAST-PRIVILEGE', rolePolicy(doc({ Effect: 'Allow', Action: ['s3:*', 'kms:*', 'sqs:SendMessage', 'sns:Publish'], Resource: '*' })));
      expect(out).toMatch(/allows wildcard actions s3:\*, kms:\*/);
      expect(out).toMatch(/allows sqs:SendMessage, sns:Publish on Resource "\*"/);
      expect(messagesOf('IAM-LEAST-PRIVILEGE', rolePolicy(doc({ Effect: 'Allow', NotAction: ['iam:*', 'kms:*'], Resource: '*' })))).toMatch(/allows NotAction iam:\*, kms:\*/);
    });

    test('a partial wildcard is not a service-wide one, and only ec2 Describe calls count as unscopable', () => {
      expect(findingsOf('IAM-LEAST-PRIVILEGE', rolePolicy(doc({ Effect: 'Allow', Action: 's3:Get*', Resource: '${aws_s3_bucket.raw.arn}/*' })))).toEqual([]);
      expect(messagesOf('IAM-LEAST-PRIVILEGE', rolePolicy(doc({ Effect: 'Allow', Action: ['ec2:DescribeVpcs', 'ec2:RunInstances', 'rds:DescribeDBInstances'], Resource: '*' })))).toMatch(
        /allows ec2:RunInstances, rds:DescribeDBInstances on Resource "\*"/,
      );
    });

    test('inline policies: one without a document is skipped, one without a name is labelled inline_policy', () => {
      const role = { assume_role_policy: '{}', inline_policy: [{ name: 'empty' }, { policy: doc({ Effect: 'Allow', Action: 'sqs:*', Resource: '${aws_sqs_queue.q.arn}' }) }] };
      expect(findingsOf('IAM-LEAST-PRIVILEGE', { aws_iam_role: { r: role } }).map((f) => f.message)).toEqual(['inline_policy statement #1 allows wildcard actions sqs:*']);
    });

    test('an unparseable inline policy names the policy and how to write it', () => {
      const role = { assume_role_policy: '{}', inline_policy: [{ name: 'x', policy: '${jsonencode(local.p)}' }] };
      expect(messagesOf('IAM-LEAST-PRIVILEGE', { aws_iam_role: { r: role } })).toMatch(/inline_policy x: policy must be a literal JSON document.* -> write the policy as a literal JSON document/);
    });

    test('the AdministratorAccess-<service> managed policies are as broad as AdministratorAccess', () => {
      for (const name of ['AdministratorAccess-Amplify', 'AdministratorAccess-AWSElasticBeanstalk']) {
        expect(messagesOf('IAM-LEAST-PRIVILEGE', { aws_iam_role_policy_attachment: { a: { role: 'r', policy_arn: `arn:aws:iam::aws:policy/${name}` } } })).toMatch(
          new RegExp(`attaches the broad managed policy arn:aws:iam::aws:policy/${name}`),
        );
      }
      // Names that only contain the words are not those policies.
      expect(findingsOf('IAM-LEAST-PRIVILEGE', { aws_iam_role_policy_attachment: { a: { role: 'r', policy_arn: 'arn:aws:iam::111122223333:policy/FullAccessReview' } } })).toEqual([]);
    });

    test('X-Ray sampling calls may use Resource "*" (they cannot be scoped)', () => {
      expect(findingsOf('IAM-LEAST-PRIVILEGE', rolePolicy(doc({ Effect: 'Allow', Action: ['xray:GetSamplingRules', 'xray:GetSamplingTargets'], Resource: '*' })))).toEqual([]);
    });

    test('a partial wildcard after the colon (s3:*Object) is not a service-wide wildcard, but still needs scoped resources', () => {
      expect(findingsOf('IAM-LEAST-PRIVILEGE', rolePolicy(doc({ Effect: 'Allow', Action: 's3:*Object', Resource: '${aws_s3_bucket.raw.arn}/*' })))).toEqual([]);
      expect(findingsOf('IAM-LEAST-PRIVILEGE', rolePolicy(doc({ Effect: 'Allow', Action: 's3:*Object', Resource: '*' }))).map((f) => f.message)).toEqual(['policy statement #1 allows s3:*Object on Resource "*"']);
    });

    test('user and group inline policies are checked like role policies', () => {
      for (const type of ['aws_iam_user_policy', 'aws_iam_group_policy']) {
        expect(messagesOf('IAM-LEAST-PRIVILEGE', { [type]: { p: { name: 'p', policy: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) } } })).toMatch(new RegExp(`${type}.p: policy statement #1 allows wildcard actions \\*`));
      }
    });

    test('each finding says how to fix it', () => {
      const fixes = (statement: Record<string, unknown>) => findingsOf('IAM-LEAST-PRIVILEGE', rolePolicy(doc(statement))).map((f) => f.fix);
      expect(fixes({ Effect: 'Allow', NotAction: 'iam:*', Resource: '${aws_s3_bucket.raw.arn}' })).toEqual(['list the allowed actions in Action']);
      expect(fixes({ Effect: 'Allow', Action: 's3:*', Resource: '${aws_s3_bucket.raw.arn}' })).toEqual(['list the specific actions the principal needs']);
      expect(fixes({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })).toEqual([
        'scope the resources to the ARNs used (only ec2 network-interface/Describe, xray and cloudwatch:PutMetricData may use "*")',
      ]);
      expect(findingsOf('IAM-LEAST-PRIVILEGE', rolePolicy('${jsonencode(local.p)}'))[0].fix).toBe('write the policy as a literal JSON document (policyDocument() / ServiceRole.addToPolicy)');
      expect(findingsOf('IAM-LEAST-PRIVILEGE', { aws_iam_role_policy_attachment: { a: { role: 'r', policy_arn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' } } })[0].fix).toBe(
        'grant the specific actions in an inline policy instead',
      );
    });

    test('group, user and policy attachments are all judged by their policy_arn', () => {
      for (const type of ['aws_iam_policy_attachment', 'aws_iam_user_policy_attachment', 'aws_iam_group_policy_attachment']) {
        expect(messagesOf('IAM-LEAST-PRIVILEGE', { [type]: { a: { policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' } } })).toMatch(/attaches the broad managed policy/);
      }
    });
  });

  describe('IAM-TRUST', () => {
    const trust = (statement: Record<string, unknown>): Resources => ({ aws_iam_role: { r: { name: 'r', assume_role_policy: doc({ Effect: 'Allow', Action: 'sts:AssumeRole', ...statement }) } } });
    const pinned = { StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.c.account_id}' } };

    test('passes service principals pinned to the account, and services without confused-deputy conditions', () => {
      expect(findingsOf('IAM-TRUST', trust({ Principal: { Service: 'lambda.amazonaws.com' }, Condition: pinned }))).toEqual([]);
      expect(findingsOf('IAM-TRUST', trust({ Principal: { Service: ['dms.amazonaws.com'] }, Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:dms:*' } } }))).toEqual([]);
      expect(findingsOf('IAM-TRUST', trust({ Principal: { Service: 'ec2.amazonaws.com' } }))).toEqual([]);
      expect(
        findingsOf('IAM-TRUST', trust({ Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Condition: { ...pinned, ArnLike: { 'aws:SourceArn': 'arn:aws:ec2:eu-west-2:111122223333:vpc-flow-log/*' } } })),
      ).toEqual([]);
    });

    test.each([
      ['lambda trusted without aws:SourceAccount', { Principal: { Service: 'lambda.amazonaws.com' } }, /lets lambda.amazonaws.com assume the role from any account/],
      ['one of two services unpinned', { Principal: { Service: ['ec2.amazonaws.com', 'glue.amazonaws.com'] } }, /lets glue.amazonaws.com assume/],
      // The VPC guide recommends aws:SourceAccount and aws:SourceArn for the flow-logs role (confused deputy).
      ['vpc-flow-logs trusted without a source condition', { Principal: { Service: 'vpc-flow-logs.amazonaws.com' } }, /lets vpc-flow-logs.amazonaws.com assume the role from any account/],
      ['Principal "*"', { Principal: '*' }, /allows any principal/],
      ['AWS "*"', { Principal: { AWS: '*' } }, /allows any principal/],
      ['no Principal', {}, /allows any principal/],
    ])('fails when %s', (_, statement, message) => {
      expect(messagesOf('IAM-TRUST', trust(statement))).toMatch(message);
    });

    // The services that honour aws:SourceAccount / aws:SourceArn in a trust policy, written here as literals (the list
    // modules/core's ServiceRole pins): dropping one from the rule would let its roles trust any account unnoticed.
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
    ])('%s must be pinned to the account', (service) => {
      const findings = findingsOf('IAM-TRUST', trust({ Principal: { Service: service } }));
      expect(findings.map((f) => `${f.message} -> ${f.fix}`)).toEqual([
        `trust statement #1 lets ${service} assume the role from any account -> add Condition StringEquals { "aws:SourceAccount": <account id> } (ServiceRole does)`,
      ]);
    });

    test('the any-principal and unparseable-trust findings say how to fix them', () => {
      expect(findingsOf('IAM-TRUST', trust({ Principal: '*' }))[0].fix).toBe('name the service principal (e.g. lambda.amazonaws.com) or account');
      expect(findingsOf('IAM-TRUST', { aws_iam_role: { r: { assume_role_policy: '${var.trust}' } } })[0].fix).toBe('write the trust policy as a literal JSON document (ServiceRole does)');
    });

    test('a Deny statement is not a grant, whatever its principal', () => {
      const policy = doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ec2.amazonaws.com' } }, { Effect: 'Deny', Action: 'sts:AssumeRole', Principal: '*' });
      expect(findingsOf('IAM-TRUST', { aws_iam_role: { r: { name: 'r', assume_role_policy: policy } } })).toEqual([]);
    });

    test('a statement open to any principal is reported once, not again for its services', () => {
      const messages = findingsOf('IAM-TRUST', trust({ Principal: { AWS: '*', Service: 'lambda.amazonaws.com' } })).map((f) => f.message);
      expect(messages).toEqual(['trust statement #1 allows any principal']);
    });

    test('condition keys are case-insensitive: aws:sourceaccount pins the trust', () => {
      expect(findingsOf('IAM-TRUST', trust({ Principal: { Service: 'glue.amazonaws.com' }, Condition: { StringEquals: { 'AWS:sourceaccount': '111122223333' } } }))).toEqual([]);
    });

    test('only aws:SourceAccount and aws:SourceArn pin the trust, not keys that merely contain them', () => {
      for (const key of ['aws:SourceAccountX', 'x:aws:SourceArn', 'aws:SourceVpc']) {
        expect(messagesOf('IAM-TRUST', trust({ Principal: { Service: 'states.amazonaws.com' }, Condition: { StringEquals: { [key]: '1' } } }))).toMatch(/lets states.amazonaws.com assume the role from any account/);
      }
    });

    test('fails when the trust policy is a token', () => {
      expect(messagesOf('IAM-TRUST', { aws_iam_role: { r: { assume_role_policy: '${data.aws_iam_policy_document.missing.json}' } } })).toMatch(
        /assume_role_policy: policy must be a literal JSON document/,
      );
    });
  });
});
