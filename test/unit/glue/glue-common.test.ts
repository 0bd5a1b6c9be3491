import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Connections, MigrationStack, NetworkRef, Testing } from '../../../modules/core';
import {
  GLUE_TEMPLATES_DIR,
  GlueDataBucket,
  GlueJdbcConnection,
  GlueJob,
  GlueJobRole,
  GlueKmsKey,
  GlueNetworkConnection,
  GluePythonWheels,
  GlueScript,
  GlueSecurityConfiguration,
  GlueSecurityGroup,
} from '../../../modules/glue-common';

type Json = Record<string, any>;

const NETWORK: NetworkRef = {
  vpcId: 'vpc-123',
  privateSubnets: [
    { id: 'subnet-a', availabilityZone: 'eu-west-2a' },
    { id: 'subnet-b', availabilityZone: 'eu-west-2b' },
  ],
  apiEndpointsSecurityGroupId: 'sg-endpoints',
};
const SECRET = 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:src-AbCdEf';

function newStack(production = false): MigrationStack {
  return new MigrationStack(Testing.app(), 'test', {
    project: 'demo',
    environment: production ? 'prod' : 'staging',
    production,
    region: 'eu-west-2',
  });
}

function synth(stack: MigrationStack): Json {
  return JSON.parse(Testing.synth(stack));
}

function resources(out: Json, type: string): Json[] {
  return Object.values(out.resource?.[type] ?? {}) as Json[];
}

/** `${aws_kms_key.<id>.arn}` of the only key in the stack. */
function keyArnRef(out: Json): string {
  const ids = Object.keys(out.resource.aws_kms_key);
  expect(ids).toHaveLength(1);
  return `\${aws_kms_key.${ids[0]}.arn}`;
}

function policies(out: Json): Json[] {
  return resources(out, 'aws_iam_role_policy').map((p) => JSON.parse(p.policy));
}

/** Security configuration, bucket, group, a MySQL source and one job using it. */
function fixture(stack: MigrationStack, jobProps: Partial<ConstructorParameters<typeof GlueJob>[2]> = {}) {
  const security = new GlueSecurityConfiguration(stack, 'security');
  const bucket = new GlueDataBucket(stack, 'bucket', { component: 'glue', kmsKeyArn: security.kmsKeyArn });
  const sg = new GlueSecurityGroup(stack, 'sg', { network: NETWORK, component: 'glue' });
  const source = new GlueJdbcConnection(stack, 'source', {
    component: 'source',
    engine: 'mysql',
    host: 'mysql.internal',
    databaseName: 'shop',
    secretArn: SECRET,
    securityGroup: sg,
  });
  const script = new GlueScript(stack, 'script', { bucket: bucket.ref, path: 'etl/extract.py' });
  const job = new GlueJob(stack, 'job', {
    component: 'extract',
    description: 'extract',
    script,
    securityConfiguration: security,
    connections: [source],
    ...jobProps,
  });
  return { security, bucket, sg, source, script, job };
}

describe('GlueJdbcConnection', () => {
  test('uses SECRET_ID and enforces TLS, with no password property anywhere', () => {
    const stack = newStack();
    fixture(stack);
    const out = synth(stack);
    const [conn] = resources(out, 'aws_glue_connection');
    expect(conn.connection_type).toBe('JDBC');
    expect(conn.connection_properties).toEqual({
      JDBC_CONNECTION_URL: 'jdbc:mysql://mysql.internal:3306/shop',
      JDBC_ENFORCE_SSL: 'true',
      SECRET_ID: SECRET,
    });
    expect(JSON.stringify(out)).not.toMatch(/"(PASSWORD|password)"/);
    expect(conn.physical_connection_requirements).toEqual({
      availability_zone: 'eu-west-2a',
      subnet_id: 'subnet-a',
      security_group_id_list: ['${aws_security_group.sg_1E19178A.id}'],
    });
  });

  test('a private CA for a non-RDS host is the connection\'s CUSTOM_JDBC_CERT, readable by the connection\'s users; TLS stays enforced', () => {
    // https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-catalog-connections.html: JDBC_ENFORCE_SSL is TLS with
    // host-name matching; CUSTOM_JDBC_CERT is the S3 location of the root certificate the server's is verified against.
    const stack = newStack();
    const sg = new GlueSecurityGroup(stack, 'sg', { network: NETWORK, component: 'glue' });
    const conn = new GlueJdbcConnection(stack, 'source', {
      component: 'source', engine: 'mysql', host: 'mysql.prod.shop.internal', databaseName: 'shop', secretArn: SECRET, securityGroup: sg,
      tlsCaCertificateS3Uri: 's3://shop-certs/glue/shop-root-ca.pem',
    });
    const role = new GlueJobRole(stack, 'reader', { component: 'reader' });
    conn.grantUse(role);
    const out = synth(stack);
    expect(resources(out, 'aws_glue_connection')[0].connection_properties).toMatchObject({
      JDBC_ENFORCE_SSL: 'true',
      CUSTOM_JDBC_CERT: 's3://shop-certs/glue/shop-root-ca.pem',
    });
    const statements = policies(out).flatMap((p) => p.Statement);
    expect(statements).toContainEqual(expect.objectContaining({ Action: 's3:GetObject', Resource: 'arn:${data.aws_partition.partition.partition}:s3:::shop-certs/glue/shop-root-ca.pem' }));
    expect(() =>
      new GlueJdbcConnection(stack, 'bad', {
        component: 'bad', engine: 'mysql', host: 'h', databaseName: 'd', secretArn: SECRET, securityGroup: sg, tlsCaCertificateS3Uri: 'https://example.com/ca.pem',
      }),
    ).toThrow(/tlsCaCertificateS3Uri must be the S3 URI of a PEM certificate, e\.g\. "s3:\/\/my-bucket\/certs\/shop-root-ca\.pem"; got "https:\/\/example\.com\/ca\.pem"/);
  });

  test('defaults the Postgres port and looks up the AZ when the subnet ref has none', () => {
    const stack = newStack();
    const sg = new GlueSecurityGroup(stack, 'sg', { network: NETWORK, component: 'glue' });
    const conn = new GlueJdbcConnection(stack, 'target', {
      component: 'target',
      engine: 'postgresql',
      host: 'pg.internal',
      databaseName: 'app',
      secretArn: SECRET,
      securityGroup: sg,
      subnet: { id: 'subnet-x' },
    });
    expect(conn.jdbcUrl).toBe('jdbc:postgresql://pg.internal:5432/app');
    const out = synth(stack);
    const req = resources(out, 'aws_glue_connection')[0].physical_connection_requirements;
    expect(req.subnet_id).toBe('subnet-x');
    expect(req.availability_zone).toMatch(/^\$\{data\.aws_subnet\..+\.availability_zone\}$/);
  });

  test('the Glue security group is gated at plan time on every subnet of the network mapping no public IPs', () => {
    const stack = newStack();
    new GlueSecurityGroup(stack, 'sg', { network: NETWORK, component: 'glue' });
    const out = synth(stack);
    const lookups = Object.keys(out.data!.aws_subnet);
    expect(lookups).toHaveLength(NETWORK.privateSubnets.length);
    expect(resources(out, 'aws_security_group')[0].lifecycle.precondition.map((p: { condition: string }) => p.condition)).toEqual(
      lookups.map((name) => `\${data.aws_subnet.${name}.map_public_ip_on_launch == false}`),
    );
  });

  test('admits the Glue security group to the database on its default port, by group reference', () => {
    const stack = newStack();
    const sg = new GlueSecurityGroup(stack, 'sg', { network: NETWORK, component: 'glue' });
    const db = { connections: new Connections(stack, { securityGroupId: 'sg-db', defaultPort: 5432, description: 'db' }) };
    new GlueJdbcConnection(stack, 'target', {
      component: 'target', engine: 'postgresql', host: 'pg.internal', databaseName: 'app', secretArn: SECRET, securityGroup: sg, database: db,
    });
    const out = synth(stack);
    const ingress = resources(out, 'aws_vpc_security_group_ingress_rule').find((r) => r.security_group_id === 'sg-db');
    expect(ingress).toMatchObject({ from_port: 5432, to_port: 5432, ip_protocol: 'tcp', referenced_security_group_id: '${aws_security_group.sg_1E19178A.id}' });
    expect(ingress!.cidr_ipv4).toBeUndefined();
  });

  test('grantUse gives glue:GetConnection on the connection and catalog, and read of the secret', () => {
    const stack = newStack();
    const { source } = fixture(stack);
    const role = new GlueJobRole(stack, 'other-role', { component: 'other' });
    source.grantUse(role);
    const statements = policies(synth(stack)).flatMap((p) => p.Statement);
    const get = statements.find((s) => s.Action === 'glue:GetConnection');
    expect(get.Resource).toEqual([expect.stringMatching(/:glue:eu-west-2:.*:catalog$/), expect.stringMatching(/^\$\{aws_glue_connection\.source_connection_[0-9A-F]+\.arn\}$/)]);
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: SECRET }),
    );
  });

  test.each([
    ['the engine is unknown', { engine: 'oracle' }, /engine must be "mysql" or "postgresql", got "oracle"/],
    ['the host is a URL', { host: 'jdbc:mysql://x:3306' }, /host must be a bare host name/],
    ['the port is out of range', { port: 70000 }, /port must be an integer from 1 to 65535, got 70000/],
    ['the secret is not a Secrets Manager ARN', { secretArn: 'my-password' }, /secretArn must be a Secrets Manager secret ARN/],
  ])('fails when %s', (_label, override, message) => {
    const stack = newStack();
    const sg = new GlueSecurityGroup(stack, 'sg', { network: NETWORK, component: 'glue' });
    expect(
      () =>
        new GlueJdbcConnection(stack, 'bad', {
          component: 'bad', engine: 'mysql', host: 'db.internal', databaseName: 'shop', secretArn: SECRET, securityGroup: sg,
          ...(override as object),
        }),
    ).toThrow(message);
  });
});

describe('GlueNetworkConnection', () => {
  test('is a NETWORK connection with physical requirements only (no JDBC URL, no credentials)', () => {
    const stack = newStack();
    const sg = new GlueSecurityGroup(stack, 'sg', { network: NETWORK, component: 'glue' });
    const conn = new GlueNetworkConnection(stack, 'net', { component: 'neptune-network', securityGroup: sg });
    const role = new GlueJobRole(stack, 'role', { component: 'graph' });
    conn.grantUse(role);
    const out = synth(stack);
    const [resource] = resources(out, 'aws_glue_connection');
    expect(resource.connection_type).toBe('NETWORK');
    expect(resource.connection_properties).toBeUndefined();
    expect(resource.physical_connection_requirements.subnet_id).toBe('subnet-a');
    expect(policies(out).flatMap((p) => p.Statement).map((s) => s.Action)).toEqual(['glue:GetConnection']);
  });
});

describe('GlueSecurityGroup', () => {
  test('has the self-referencing rule, HTTPS egress and admission to the API endpoints, never CIDR ingress', () => {
    const stack = newStack();
    new GlueSecurityGroup(stack, 'sg', { network: NETWORK, component: 'glue' });
    const out = synth(stack);
    const ingress = resources(out, 'aws_vpc_security_group_ingress_rule');
    const self = ingress.find((r) => r.security_group_id === r.referenced_security_group_id);
    expect(self).toMatchObject({ ip_protocol: '-1', security_group_id: '${aws_security_group.sg_1E19178A.id}' });
    expect(ingress.find((r) => r.security_group_id === 'sg-endpoints')).toMatchObject({ from_port: 443, to_port: 443 });
    expect(ingress.every((r) => r.cidr_ipv4 === undefined && r.cidr_ipv6 === undefined)).toBe(true);
    expect([...ingress, ...resources(out, 'aws_vpc_security_group_egress_rule')].every((r) => typeof r.description === 'string' && r.description.length > 0)).toBe(true);
    expect(resources(out, 'aws_security_group')[0].description).toMatch(/self-referencing/);
  });

  test('fails when the network has no private subnets', () => {
    const stack = newStack();
    expect(() => new GlueSecurityGroup(stack, 'sg', { network: { vpcId: 'vpc-1', privateSubnets: [] }, component: 'glue' })).toThrow(
      /needs private subnets in at least 1 availability zones; got 0/,
    );
  });
});

describe('GlueSecurityConfiguration and its key', () => {
  test('encrypts S3 (SSE-KMS), CloudWatch (SSE-KMS) and bookmarks (CSE-KMS) with one CMK', () => {
    const stack = newStack();
    new GlueSecurityConfiguration(stack, 'security');
    const out = synth(stack);
    const [config] = resources(out, 'aws_glue_security_configuration');
    expect(config.name).toBe('demo-staging-glue');
    const key = keyArnRef(out);
    expect(config.encryption_configuration).toEqual({
      cloudwatch_encryption: { cloudwatch_encryption_mode: 'SSE-KMS', kms_key_arn: key },
      job_bookmarks_encryption: { job_bookmarks_encryption_mode: 'CSE-KMS', kms_key_arn: key },
      s3_encryption: { s3_encryption_mode: 'SSE-KMS', kms_key_arn: key },
    });
  });

  test('the key policy lets CloudWatch Logs use the key for /aws-glue/ log groups only, with no wildcard actions', () => {
    const stack = newStack();
    new GlueSecurityConfiguration(stack, 'security');
    const out = synth(stack);
    const [key] = resources(out, 'aws_kms_key');
    expect(key.enable_key_rotation).toBe(true);
    const policy = JSON.parse(key.policy);
    const logs = policy.Statement.find((s: Json) => s.Principal.Service === 'logs.eu-west-2.amazonaws.com');
    expect(logs.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn']).toEqual([
      expect.stringMatching(/:logs:eu-west-2:.*:log-group:\/aws-glue\/\*$/),
    ]);
    for (const s of policy.Statement) expect(s.Action.some((a: string) => a.endsWith('*'))).toBe(false);
    expect(policy.Statement.find((s: Json) => s.Principal.AWS)?.Action).toContain('kms:PutKeyPolicy');
  });

  test('kms:DescribeKey is granted to CloudWatch Logs in its own statement, outside the encryption-context condition', () => {
    // DescribeKey requests carry no encryption context: under the aws:logs:arn condition it would never be allowed.
    const stack = newStack();
    new GlueSecurityConfiguration(stack, 'security');
    const policy = JSON.parse(resources(synth(stack), 'aws_kms_key')[0].policy);
    const logs = policy.Statement.filter((s: Json) => s.Principal.Service === 'logs.eu-west-2.amazonaws.com');
    const conditioned = logs.filter((s: Json) => s.Condition?.ArnLike?.['kms:EncryptionContext:aws:logs:arn']);
    expect(conditioned).toHaveLength(1);
    expect([conditioned[0].Action].flat()).not.toContain('kms:DescribeKey');
    const describe = logs.find((s: Json) => [s.Action].flat().includes('kms:DescribeKey'));
    expect(describe).toMatchObject({ Effect: 'Allow', Action: ['kms:DescribeKey'], Resource: '*' });
    expect(describe.Condition).toBeUndefined();
  });

  test('a bring-your-own key creates no key', () => {
    const stack = newStack();
    const sc = new GlueSecurityConfiguration(stack, 'security', { kmsKeyArn: 'arn:aws:kms:eu-west-2:111111111111:key/abc' });
    expect(sc.kmsKey).toBeUndefined();
    expect(resources(synth(stack), 'aws_kms_key')).toHaveLength(0);
  });
});

describe('GlueJobRole', () => {
  test('trusts glue.amazonaws.com for this account only, with no managed policy', () => {
    const stack = newStack();
    fixture(stack);
    const out = synth(stack);
    const role = resources(out, 'aws_iam_role').find((r) => r.name === 'demo-staging-extract-glue')!;
    const trust = JSON.parse(role.assume_role_policy).Statement[0];
    expect(trust.Principal).toEqual({ Service: 'glue.amazonaws.com' });
    expect(trust.Condition.StringEquals['aws:SourceAccount']).toBeDefined();
    expect(resources(out, 'aws_iam_role_policy_attachment')).toHaveLength(0);
  });

  test('every statement is scoped; only ENI actions and PutMetricData (namespace-pinned) use "*"', () => {
    const stack = newStack();
    fixture(stack);
    const statements = policies(synth(stack)).flatMap((p) => p.Statement);
    for (const s of statements.filter((x) => x.Resource === '*' || (Array.isArray(x.Resource) && x.Resource.includes('*')))) {
      const actions = ([] as string[]).concat(s.Action);
      expect(actions.every((a) => a.startsWith('ec2:Describe') || ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'cloudwatch:PutMetricData'].includes(a))).toBe(true);
    }
    const tags = statements.find((s) => Array.isArray(s.Action) && s.Action.includes('ec2:CreateTags'));
    expect(tags.Resource).toMatch(/:network-interface\/\*$/);
    expect(tags.Condition['ForAllValues:StringEquals']['aws:TagKeys']).toEqual(['aws-glue-service-resource']);
    const scripts = statements.find((s) => Array.isArray(s.Action) && s.Action.includes('s3:GetObject'));
    expect(scripts.Resource).toBe('${aws_s3_bucket.bucket_3056591E.arn}/scripts/etl/extract.py*');
    const logs = statements.filter((s) => Array.isArray(s.Action) && s.Action.includes('logs:PutLogEvents'));
    expect(logs.flatMap((s) => s.Resource).every((r: string) => r.startsWith('${aws_cloudwatch_log_group.'))).toBe(true);
    expect(statements.find((s) => s.Action === 'logs:AssociateKmsKey').Resource).toMatch(/:log-group:\/aws-glue\/\*$/);
  });

  test('jobs sharing a role add each grant once', () => {
    const stack = newStack();
    const { security, source, script } = fixture(stack);
    const shared = new GlueJobRole(stack, 'shared', { component: 'shared' });
    // Glue 4.0: the jobs of one role share its encrypted output/error groups (5.0 jobs have their own, below).
    for (const id of ['a', 'b']) {
      new GlueJob(stack, id, { component: id, description: id, script, securityConfiguration: security, connections: [source], role: shared, glueVersion: '4.0' });
    }
    const out = synth(stack);
    const roleKey = Object.entries(out.resource.aws_iam_role).find(([, r]: [string, any]) => r.name === 'demo-staging-shared-glue')![0];
    const policy = JSON.parse(resources(out, 'aws_iam_role_policy').find((p) => p.role === `\${aws_iam_role.${roleKey}.id}`)!.policy);
    const keys = (policy.Statement as Json[]).map((s) => JSON.stringify([s.Action, s.Resource, s.Condition]));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((k) => k.includes('glue:GetConnection'))).toHaveLength(1);
    const groups = resources(out, 'aws_cloudwatch_log_group').map((g) => g.name);
    expect(groups.filter((g) => g.endsWith('/demo-staging-shared-glue/output'))).toHaveLength(1);
  });
});

describe('GlueScript', () => {
  test('uploads the template with its SHA-256 as source_hash and metadata, SSE-KMS', () => {
    const stack = newStack();
    const { script } = fixture(stack);
    const expected = createHash('sha256').update(fs.readFileSync(path.join(GLUE_TEMPLATES_DIR, 'etl/extract.py'))).digest('hex');
    expect(script.sha256).toBe(expected);
    const out = synth(stack);
    const [object] = resources(out, 'aws_s3_object');
    expect(object).toMatchObject({
      key: 'scripts/etl/extract.py',
      source_hash: expected,
      metadata: { sha256: expected },
      server_side_encryption: 'aws:kms',
      kms_key_id: keyArnRef(out),
    });
    expect(object.source).toMatch(/extract\.py$/);
    expect(script.s3Uri).toMatch(/^s3:\/\/.+\/scripts\/etl\/extract\.py$/);
  });

  test.each([
    ['the path leaves templates/glue', '../../package.json', /without ".."/],
    ['the script does not exist', 'etl/missing.py', /templates\/glue\/etl\/missing.py does not exist/],
  ])('fails when %s', (_label, p, message) => {
    const stack = newStack();
    expect(() => new GlueScript(stack, 's', { bucket: { bucketName: 'b', bucketArn: 'arn:aws:s3:::b' }, path: p })).toThrow(message);
  });
});

describe('GlueDataBucket', () => {
  test('is private, versioned, SSE-KMS, TLS-only and aborts incomplete uploads', () => {
    const stack = newStack();
    new GlueDataBucket(stack, 'bucket', { component: 'glue', kmsKeyArn: 'arn:aws:kms:eu-west-2:111111111111:key/abc' });
    const out = synth(stack);
    expect(resources(out, 'aws_s3_bucket_public_access_block')[0]).toMatchObject({
      block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
    });
    expect(resources(out, 'aws_s3_bucket_versioning')[0].versioning_configuration.status).toBe('Enabled');
    expect(resources(out, 'aws_s3_bucket_server_side_encryption_configuration')[0].rule[0].apply_server_side_encryption_by_default).toEqual({
      sse_algorithm: 'aws:kms', kms_master_key_id: 'arn:aws:kms:eu-west-2:111111111111:key/abc',
    });
    const deny = JSON.parse(resources(out, 'aws_s3_bucket_policy')[0].policy).Statement[0];
    expect(deny).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(resources(out, 'aws_s3_bucket_lifecycle_configuration')[0].rule[0].abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 7 }]);
  });
});

test('fails when an expiration prefix does not end with "/"', () => {
  const stack = newStack();
  expect(() => new GlueDataBucket(stack, 'b', { component: 'g', kmsKeyArn: 'k', expirations: [{ prefix: 'runs', days: 3 }] })).toThrow(
    /expiration prefix "runs" must be a key prefix ending with "\/"/,
  );
});

describe('GlueJob', () => {
  test('defaults: Glue 5.0, G.1X x 2, security configuration, 5.0 logging, bookmarks explicit, one run at a time', () => {
    const stack = newStack();
    fixture(stack);
    const out = synth(stack);
    const [job] = resources(out, 'aws_glue_job');
    expect(job).toMatchObject({
      name: 'demo-staging-extract',
      glue_version: '5.0',
      worker_type: 'G.1X',
      number_of_workers: 2,
      security_configuration: 'demo-staging-glue',
      max_retries: 0,
      timeout: 120,
      execution_property: { max_concurrent_runs: 1 },
      command: { name: 'glueetl', python_version: '3', script_location: 's3://${aws_s3_bucket.bucket_3056591E.bucket}/scripts/etl/extract.py' },
      connections: ['demo-staging-source'],
    });
    // Glue 5.0 logs in real time to <prefix>/error and <prefix>/output; the continuous-logging arguments are documented
    // for 4.0 and earlier only (https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging.html). This test
    // used to require them on this 5.0 job.
    expect(job.default_arguments['--enable-continuous-cloudwatch-log']).toBeUndefined();
    expect(job.default_arguments['--continuous-log-logGroup']).toBeUndefined();
    expect(job.default_arguments).toMatchObject({
      '--custom-logGroup-prefix': '/aws-glue/jobs/demo-staging-extract',
      '--job-bookmark-option': 'job-bookmark-disable',
      '--enable-metrics': 'true',
      '--job-language': 'python',
    });
    // Jobs name connections and the security configuration by literal name: they must depend on them explicitly.
    const deps: string[] = job.depends_on;
    for (const type of ['aws_glue_connection', 'aws_glue_security_configuration', 'aws_s3_object', 'aws_cloudwatch_log_group']) {
      expect(deps.some((d) => d.startsWith(`${type}.`))).toBe(true);
    }
  });

  test('Glue 5.0: creates <prefix>/error and <prefix>/output with retention and the CMK, and grants writes to exactly those', () => {
    // https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging.html: 5.0 writes to /aws-glue/jobs/error and
    // /aws-glue/jobs/output, or <--custom-logGroup-prefix>/error and /output. This test used to expect the 4.0 names.
    const stack = newStack(true);
    const { job: glueJob } = fixture(stack);
    const out = synth(stack);
    const groups = resources(out, 'aws_cloudwatch_log_group');
    expect(groups.map((g) => g.name).sort()).toEqual(['/aws-glue/jobs/demo-prod-extract/error', '/aws-glue/jobs/demo-prod-extract/output']);
    for (const g of groups) {
      expect(g.retention_in_days).toBe(365);
      expect(g.kms_key_id).toBe(keyArnRef(out));
    }
    expect(glueJob.logGroupPrefix).toBe('/aws-glue/jobs/demo-prod-extract');
    const [job] = resources(out, 'aws_glue_job');
    expect(job.default_arguments['--custom-logGroup-prefix']).toBe(glueJob.logGroupPrefix);
    const groupKeys = Object.keys(out.resource.aws_cloudwatch_log_group);
    expect(job.depends_on).toEqual(expect.arrayContaining(groupKeys.map((k) => `aws_cloudwatch_log_group.${k}`)));
    const writes = policies(out)
      .flatMap((p) => p.Statement)
      .filter((st: Json) => [].concat(st.Action).includes('logs:PutLogEvents' as never))
      .flatMap((st: Json) => [].concat(st.Resource));
    expect(writes.sort()).toEqual(groupKeys.flatMap((k) => [`\${aws_cloudwatch_log_group.${k}.arn}`, `\${aws_cloudwatch_log_group.${k}.arn}:*`]).sort());
  });

  test('Glue 4.0: continuous logging into the group Glue names under encryption, plus the role output groups', () => {
    const stack = newStack(true);
    fixture(stack, { glueVersion: '4.0' });
    const out = synth(stack);
    const groups = resources(out, 'aws_cloudwatch_log_group');
    expect(groups.map((g) => g.name).sort()).toEqual([
      '/aws-glue/jobs/demo-prod-extract-demo-prod-glue',
      '/aws-glue/jobs/demo-prod-glue-role/demo-prod-extract-glue/error',
      '/aws-glue/jobs/demo-prod-glue-role/demo-prod-extract-glue/output',
    ]);
    for (const g of groups) {
      expect(g.retention_in_days).toBe(365);
      expect(g.kms_key_id).toBe(keyArnRef(out));
    }
    const [job] = resources(out, 'aws_glue_job');
    expect(job.default_arguments).toMatchObject({
      '--enable-continuous-cloudwatch-log': 'true',
      '--continuous-log-logGroup': '/aws-glue/jobs/demo-prod-extract',
    });
    expect(job.default_arguments['--custom-logGroup-prefix']).toBeUndefined();
  });

  test('fails when its pythonWheels were checked for another Glue version (their CPython tags would not install)', () => {
    const stack = newStack();
    const bucket = { bucketName: 'b', bucketArn: 'arn:aws:s3:::b' };
    const wheels = new GluePythonWheels(stack, 'wheels', { bucket, requirements: ['gremlinpython==3.7.1'] });
    expect(wheels.arguments['--python-modules-installer-option']).toBe('--no-index');
    expect(() => fixture(stack, { glueVersion: '4.0', pythonWheels: wheels })).toThrow(/pythonWheels were checked for Glue 5\.0, but the job runs Glue 4\.0/);
  });

  test('takes secret ARNs and IDs as underscore arguments (getResolvedOptions names use underscores only)', () => {
    const stack = newStack();
    fixture(stack, { arguments: { '--source_secret_arn': 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:s', '--target_secret_id': 'x' } });
    const [job] = resources(synth(stack), 'aws_glue_job');
    expect(job.default_arguments).toMatchObject({ '--source_secret_arn': 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:s', '--target_secret_id': 'x' });
  });

  test('takes Glue 4.0, worker type and count, bookmarks and extra arguments', () => {
    const stack = newStack();
    fixture(stack, { glueVersion: '4.0', workerType: 'G.2X', numberOfWorkers: 10, jobBookmarks: true, arguments: { '--source-table': 'orders' } });
    const [job] = resources(synth(stack), 'aws_glue_job');
    expect(job).toMatchObject({ glue_version: '4.0', worker_type: 'G.2X', number_of_workers: 10 });
    expect(job.default_arguments['--job-bookmark-option']).toBe('job-bookmark-enable');
    expect(job.default_arguments['--source-table']).toBe('orders');
  });

  test.each([
    ['the Glue version is unsupported', { glueVersion: '3.0' }, /glueVersion must be one of 4.0, 5.0, got "3.0"/],
    ['the worker type is unknown', { workerType: 'Standard' }, /workerType must be one of .* got "Standard"/],
    ['the worker type is the streaming-only G.025X', { workerType: 'G.025X' }, /G.025X exists for streaming jobs only/],
    ['there is a single worker', { numberOfWorkers: 1 }, /numberOfWorkers must be an integer from 2 to 1000, got 1/],
    ['an argument lacks the -- prefix', { arguments: { table: 'x' } }, /argument "table" must start with "--"/],
    ['an argument overrides a managed one', { arguments: { '--job-bookmark-option': 'job-bookmark-pause' } }, /is set by GlueJob/],
    ['an argument overrides the log group prefix', { arguments: { '--custom-logGroup-prefix': '/x' } }, /--custom-logGroup-prefix is set by GlueJob/],
    ['an argument looks like a password', { arguments: { '--db-password': 'hunter2' } }, /--db-password looks like a secret/],
    ['an underscore argument looks like a secret', { arguments: { '--api_secret': 'x', '--private_key': 'y' } }, /--api_secret looks like a secret/],
    ['an argument carries credentials in a URL', { arguments: { '--url': 'postgres://u:p@host/db' } }, /holds a URL with credentials/],
  ])('fails when %s', (_label, override, message) => {
    const stack = newStack();
    expect(() => fixture(stack, override as object)).toThrow(message);
  });
});

describe('GlueKmsKey topicPublishers', () => {
  test('lets the named services encrypt messages of topics under the key, for this account only', () => {
    const stack = newStack();
    new GlueKmsKey(stack, 'kms', { component: 'etl', topicPublishers: ['events.amazonaws.com'] });
    const statements = JSON.parse(resources(synth(stack), 'aws_kms_key')[0].policy).Statement;
    expect(statements).toContainEqual({
      Sid: 'ServicesPublishToEncryptedTopics',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.caller-identity.account_id}' } },
    });
  });

  test('adds no statement for publishers by default', () => {
    const stack = newStack();
    new GlueKmsKey(stack, 'kms', { component: 'etl' });
    const statements = JSON.parse(resources(synth(stack), 'aws_kms_key')[0].policy).Statement;
    expect(statements.map((s: Json) => s.Sid)).not.toContain('ServicesPublishToEncryptedTopics');
  });

  test('fails when a publisher is not a service principal', () => {
    const stack = newStack();
    expect(() => new GlueKmsKey(stack, 'kms', { component: 'etl', topicPublishers: ['arn:aws:iam::111111111111:root'] })).toThrow(
      /topicPublishers entry "arn:aws:iam::111111111111:root" must be an AWS service principal/,
    );
  });
});

describe('GlueDataBucket name', () => {
  const KEY = 'arn:aws:kms:eu-west-2:111111111111:key/abc';
  test('bucketName is used whole; bucketNameSuffix is appended to the generated name', () => {
    const stack = newStack();
    new GlueDataBucket(stack, 'a', { component: 'etl-data', kmsKeyArn: KEY, bucketName: 'acme-etl-staging-data' });
    new GlueDataBucket(stack, 'b', { component: 'graph-data', kmsKeyArn: KEY, bucketNameSuffix: '111111111111' });
    new GlueDataBucket(stack, 'c', { component: 'plain-data', kmsKeyArn: KEY });
    expect(resources(synth(stack), 'aws_s3_bucket').map((b) => b.bucket).sort()).toEqual([
      'acme-etl-staging-data',
      'demo-staging-graph-data-111111111111',
      'demo-staging-plain-data',
    ]);
  });

  test.each([
    ['the name has capitals', { bucketName: 'Acme-Data' }, /bucketName "Acme-Data" is not a valid S3 bucket name: only lower-case letters/],
    ['the name is too long', { bucketName: 'a'.repeat(64) }, /it is 64 characters; S3 allows 3 to 63/],
    ['the suffix makes the name too long', { bucketNameSuffix: 'x'.repeat(50) }, /generated name \+ bucketNameSuffix\) "demo-staging-etl-data-x+" is not a valid S3 bucket name/],
    ['the suffix has an underscore', { bucketNameSuffix: 'acct_1' }, /bucketNameSuffix "acct_1" must be lower-case letters, digits and dashes/],
    ['both are given', { bucketName: 'acme-data', bucketNameSuffix: '1' }, /give bucketName \(the whole name\) or bucketNameSuffix/],
  ])('fails when %s', (_label, override, message) => {
    const stack = newStack();
    expect(() => new GlueDataBucket(stack, 'b', { component: 'etl-data', kmsKeyArn: KEY, ...override })).toThrow(message);
  });
});

describe('Glue security-group rule descriptions read client -> server, with the purpose', () => {
  test('the JDBC admission and the self-referencing rule', () => {
    const stack = newStack();
    const sg = new GlueSecurityGroup(stack, 'sg', { network: NETWORK, component: 'etl-glue' });
    const db = { connections: new Connections(stack, { securityGroupId: 'sg-db', defaultPort: 5432, description: 'PostgreSQL demo-staging-db' }) };
    new GlueJdbcConnection(stack, 'target', {
      component: 'etl-target', engine: 'postgresql', host: 'pg.internal', databaseName: 'app', secretArn: SECRET, securityGroup: sg, database: db,
    });
    const out = synth(stack);
    const rules = [...resources(out, 'aws_vpc_security_group_ingress_rule'), ...resources(out, 'aws_vpc_security_group_egress_rule')];
    const jdbc = rules.filter((r) => r.from_port === 5432).map((r) => r.description);
    expect(jdbc).toEqual([
      'From Glue jobs demo-staging-etl-glue to PostgreSQL demo-staging-db: JDBC of Glue connection demo-staging-etl-target',
      'From Glue jobs demo-staging-etl-glue to PostgreSQL demo-staging-db: JDBC of Glue connection demo-staging-etl-target',
    ]);
    const self = rules.filter((r) => r.ip_protocol === '-1').map((r) => r.description);
    expect(self).toEqual([
      'From Glue jobs demo-staging-etl-glue to the same group: Spark driver and executors exchange data (Glue requires a self-referencing rule)',
      'From Glue jobs demo-staging-etl-glue to the same group: Spark driver and executors exchange data (Glue requires a self-referencing rule)',
    ]);
  });
});

describe('GlueJobRole under a stack role path', () => {
  test('the output log groups Glue names after the role include its path', () => {
    const stack = new MigrationStack(Testing.app(), 'test', {
      project: 'demo', environment: 'staging', production: false, region: 'eu-west-2', iam: { rolePath: '/migration/' },
    });
    const role = new GlueJobRole(stack, 'role', { component: 'extract' });
    expect(role.logGroupRoleName).toBe('migration/demo-staging-extract-glue');
    role.ensureOutputLogGroups('demo-staging-glue', 'arn:aws:kms:eu-west-2:111111111111:key/abc', 30);
    expect(resources(synth(stack), 'aws_cloudwatch_log_group').map((g) => g.name).sort()).toEqual([
      '/aws-glue/jobs/demo-staging-glue-role/migration/demo-staging-extract-glue/error',
      '/aws-glue/jobs/demo-staging-glue-role/migration/demo-staging-extract-glue/output',
    ]);
  });
});
