import { NAME_LIMITS, Naming, shortHash } from '../../../modules/core';

describe('Naming', () => {
  const naming = new Naming('billing', 'prod');

  test('joins project, environment and component', () => {
    expect(naming.name('csv-loader')).toBe('billing-prod-csv-loader');
    expect(naming.name('CSV Loader_v2')).toBe('billing-prod-csv-loader-v2');
    expect(naming.snake('events')).toBe('billing_prod_events');
  });

  /**
   * AWS's own name-length limits, written here as literals (not read from NAME_LIMITS) so that a wrong table fails.
   * Each is the documented maximum for the resource the kind names.
   */
  const AWS_LIMITS: Record<Exclude<keyof typeof NAME_LIMITS, 'default'>, number> = {
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html: 3 (min) to 63 (max)
    s3Bucket: 63,
    // https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html: DBInstanceIdentifier 1 to 63
    rdsIdentifier: 63,
    // https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html: no more than 255
    dbSubnetGroup: 255,
    // https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBParameterGroup.html: 1 to 255
    dbParameterGroup: 255,
    // https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html: a function name alone is limited to 64
    lambda: 64,
    // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html: RoleName maximum length of 64
    iamRole: 64,
    // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html: PolicyName maximum length of 128
    iamPolicy: 128,
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html: up to 255 characters
    securityGroup: 255,
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html: up to 80 characters
    sqs: 80,
    // https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html: up to 256 characters
    sns: 256,
    // https://docs.aws.amazon.com/kinesis/latest/APIReference/API_CreateStream.html: StreamName maximum length of 128
    kinesis: 128,
    // https://docs.aws.amazon.com/dms/latest/APIReference/API_CreateReplicationTask.html: ReplicationTaskIdentifier
    // "Must contain 1-255 alphanumeric characters or hyphens" (endpoints, subnet groups and event subscriptions too)
    dmsIdentifier: 255,
    // https://docs.aws.amazon.com/dms/latest/APIReference/API_CreateReplicationInstance.html: "Must contain 1-63
    // alphanumeric characters or hyphens"
    dmsReplicationInstance: 63,
    // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html: maximum length of 512
    logGroup: 512,
    // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html: Name maximum length of 512
    secretsManager: 512,
    // https://docs.aws.amazon.com/glue/latest/webapi/API_CreateJob.html: Name maximum length of 255
    glue: 255,
    // https://docs.aws.amazon.com/neptune/latest/userguide/api-clusters.html: DBClusterIdentifier 1 to 63
    neptune: 63,
    // https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html: maximum length of 80
    stepFunctions: 80,
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html: AlarmName maximum 255
    alarm: 255,
    // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html: Name maximum length of 64
    eventRule: 64,
    // https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html: AliasName maximum length of 256
    kms: 256,
  };

  test('every kind but the default has an AWS limit written down in this test', () => {
    expect(Object.keys(NAME_LIMITS).filter((k) => k !== 'default').sort()).toEqual(Object.keys(AWS_LIMITS).sort());
  });

  test.each(Object.entries(AWS_LIMITS))('names for %s stay within AWS\'s %d characters and stay unique', (kind, limit) => {
    const long = 'x'.repeat(600);
    const a = naming.name(`${long}-a`, kind as keyof typeof NAME_LIMITS);
    const b = naming.name(`${long}-b`, kind as keyof typeof NAME_LIMITS);
    expect(a.length).toBeLessThanOrEqual(limit);
    expect(b.length).toBeLessThanOrEqual(limit);
    // Cut at the limit, not far below it: a limit set too low silently renames resources.
    expect(a.length).toBeGreaterThanOrEqual(limit - 1);
    expect(a).not.toBe(b);
    expect(a.startsWith('billing-prod-')).toBe(true);
  });

  test('a DMS replication instance id fits CreateReplicationInstance: 1-63 characters, a letter first, no "--", no trailing "-"', () => {
    const id = naming.name(`migration-${'y'.repeat(80)}-instance`, 'dmsReplicationInstance');
    expect(id.length).toBeLessThanOrEqual(63);
    expect(id).toMatch(/^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/);
  });

  test('names of the default kind stay within 64 characters', () => {
    expect(naming.name('z'.repeat(600))).toHaveLength(64);
  });

  test('shortHash is stable', () => {
    expect(shortHash('abc')).toBe(shortHash('abc'));
    expect(shortHash('abc')).not.toBe(shortHash('abd'));
  });

  test('fails when the project is not a slug', () => {
    expect(() => new Naming('Billing App', 'prod')).toThrow(/project "Billing App" must be lower-case letters, digits and dashes/);
  });

  test('fails when a component has no letters or digits', () => {
    expect(() => naming.name('---')).toThrow(/component "---" has no letters or digits/);
  });
});
