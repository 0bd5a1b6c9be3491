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

  test('the errors say they come from the naming check', () => {
    expect(() => new Naming('Billing', 'prod')).toThrow(/^naming: project "Billing"/);
    expect(() => naming.name('--')).toThrow(/^naming: component "--"/);
  });

  test('fails when the project or environment has anything but letters, digits and dashes after its first letters', () => {
    expect(() => new Naming('billing_app', 'prod')).toThrow(/project "billing_app" must be lower-case letters, digits and dashes/);
    expect(() => new Naming('billing', 'prod.eu')).toThrow(/environment "prod.eu" must be/);
  });

  // RDS, DMS and Neptune identifiers "can't end with a hyphen or contain two consecutive hyphens"
  // (https://docs.aws.amazon.com/dms/latest/APIReference/API_CreateReplicationInstance.html): a project "billing-"
  // made every name "billing--prod-...", which only CreateReplicationInstance / CreateDBInstance refused.
  test.each([
    ['billing-', 'prod', 'project "billing-"'],
    ['bill--ing', 'prod', 'project "bill--ing"'],
    ['billing', 'prod-', 'environment "prod-"'],
  ])('fails when the project or environment has a dash at the end or two in a row (%s, %s)', (project, environment, label) => {
    expect(() => new Naming(project, environment)).toThrow(new RegExp(`${label} must be .*no dash at the end or two in a row`));
  });

  test('accepts single dashes and digits in project and environment', () => {
    expect(new Naming('acme-ctp2', 'eu-west-2').name('db', 'dmsReplicationInstance')).toBe('acme-ctp2-eu-west-2-db');
    expect(new Naming('a', 'b').prefix).toBe('a-b');
  });

  test('project and environment may be 20 characters, not 21', () => {
    const twenty = `a${'b'.repeat(19)}`;
    expect(new Naming(twenty, twenty).prefix).toBe(`${twenty}-${twenty}`);
    expect(() => new Naming(`${twenty}c`, 'prod')).toThrow(/at most 20 characters/);
    expect(() => new Naming('billing', `${twenty}c`)).toThrow(/environment "a.*c" must be/);
  });

  test("a name exactly at the service's limit is kept whole; one character more is cut and given the suffix", () => {
    // billing-prod- is 13 characters; the default kind allows 64.
    const exact = 'c'.repeat(64 - 13);
    expect(naming.name(exact)).toBe(`billing-prod-${exact}`);
    const over = naming.name(`${exact}d`);
    expect(over).toBe(`billing-prod-${'c'.repeat(64 - 13 - 7)}-${shortHash(`billing-prod-${exact}d`)}`);
  });

  test('a cut that ends on a dash leaves one dash before the suffix', () => {
    // The default kind keeps 64 - 7 = 57 characters before "-<suffix>"; character 57 here is the dash after the a's.
    const component = `${'a'.repeat(43)}-${'b'.repeat(20)}`;
    expect(naming.name(component)).toBe(`billing-prod-${'a'.repeat(43)}-${shortHash(`billing-prod-${component}`)}`);
  });

  // The suffix is part of every shortened physical name: a different hash renames, and so replaces, those resources.
  // Expected values are the published 32-bit FNV-1a test vectors (offset basis 0x811c9dc5 for "", 0xe40c292c for "a",
  // 0xbf9cf968 for "foobar"; http://www.isthe.com/chongo/tech/comp/fnv/) written in base 36.
  test('shortHash is 32-bit FNV-1a in base 36, cut to its last 6 characters', () => {
    expect((0x811c9dc5).toString(36)).toBe('ztntfp');
    expect(shortHash('')).toBe('ztntfp');
    expect((0xe40c292c).toString(36)).toBe('1r9wi7g');
    expect(shortHash('a')).toBe('r9wi7g');
    expect((0xbf9cf968).toString(36)).toBe('1h5yxyg');
    expect(shortHash('foobar')).toBe('h5yxyg');
  });

  test('shortHash pads a small hash with zeros to the length asked for', () => {
    // FNV-1a("k121") = 60029864 = "zqnc8" in base 36: five characters.
    expect(shortHash('k121')).toBe('0zqnc8');
    expect(shortHash('k121', 8)).toBe('000zqnc8');
    expect(shortHash('foobar', 4)).toBe('yxyg');
  });
});
