import { Connections, MigrationStack, NetworkRef, Testing } from '../../../modules/core';
import { compileMapping, GraphMapping, NeptuneGraphMigration, NeptuneGraphMigrationProps } from '../../../modules/neptune-graph-migration';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GLUE_PYTHON_MODULES_DIR } from '../../../modules/glue-common';
import { checkStack } from '../../../tools/policy-check/engine';
import { productMapping } from './fixtures';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NETWORK: NetworkRef = {
  vpcId: 'vpc-123',
  privateSubnets: [
    { id: 'subnet-a', availabilityZone: 'eu-west-2a' },
    { id: 'subnet-b', availabilityZone: 'eu-west-2b' },
  ],
  privateRouteTableIds: ['rtb-a', 'rtb-b'],
  apiEndpointsSecurityGroupId: 'sg-endpoints',
};
const SOURCE = { host: 'sales.cluster-ro-x.eu-west-2.rds.amazonaws.com', databaseName: 'sales', secretArn: 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:mysql-AbCdEf', securityGroupId: 'sg-mysql' };

function stack(production = false): MigrationStack {
  return new MigrationStack(Testing.app(), production ? 'test-prod' : 'test', {
    project: 'demo',
    environment: production ? 'prod' : 'staging',
    production,
    region: 'eu-west-2',
  });
}

function build(overrides: Partial<NeptuneGraphMigrationProps> = {}, production = false): { out: Json; stack: MigrationStack; migration: NeptuneGraphMigration } {
  const s = stack(production);
  const migration = new NeptuneGraphMigration(s, 'graph', {
    network: NETWORK,
    mapping: productMapping,
    source: SOURCE,
    directWrite: {},
    incremental: { schedule: 'cron(0/10 * * * ? *)' },
    ...overrides,
  });
  return { out: JSON.parse(Testing.synth(s)), stack: s, migration };
}

const all = (out: Json, type: string): Json[] => Object.values(out.resource?.[type] ?? {});
const one = (out: Json, type: string): Json => {
  const items = all(out, type);
  expect(items).toHaveLength(1);
  return items[0];
};
const policies = (out: Json): Json[] =>
  all(out, 'aws_iam_role_policy').map((p) => ({ ...p, doc: JSON.parse(p.policy) }));
const statementsFor = (out: Json, roleFragment: string): Json[] =>
  policies(out)
    .filter((p) => String(p.role).includes(roleFragment))
    .flatMap((p) => p.doc.Statement);

/** A folder of (empty) files named like wheels, for the synth-time checks of the wheels folder. */
function wheelDir(files: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wheels-'));
  for (const f of files) fs.writeFileSync(path.join(dir, f), '');
  return dir;
}

// Incremental mode needs a watermark on every element.
const mappingWithWatermarks: GraphMapping = {
  vertices: productMapping.vertices.map((v) => ({ ...v, watermarkColumn: 'updated_at' })),
  edges: productMapping.edges!.map((e) => ({ ...e, watermarkColumn: 'updated_at' })),
};

describe('NeptuneGraphMigration (staging, every mode)', () => {
  const { out } = build({ mapping: mappingWithWatermarks });

  test('the Neptune subnet group is gated at plan time on every subnet mapping no public IPs', () => {
    const lookups = Object.keys(out.data!.aws_subnet).filter((name) => name.startsWith('graph_neptune_'));
    expect(lookups.length).toBeGreaterThanOrEqual(2);
    expect(one(out, 'aws_neptune_subnet_group').lifecycle.precondition.map((p: { condition: string }) => p.condition)).toEqual(lookups.map((name) => `\${data.aws_subnet.${name}.map_public_ip_on_launch == false}`));
  });

  test('the Neptune cluster is encrypted, IAM-authenticated, audited, backed up, and attaches the loader role', () => {
    const c = one(out, 'aws_neptune_cluster');
    expect(c).toMatchObject({
      storage_encrypted: true,
      iam_database_authentication_enabled: true,
      enable_cloudwatch_logs_exports: ['audit'],
      backup_retention_period: 7,
      deletion_protection: false,
      skip_final_snapshot: true,
      engine_version: '1.4.5.1',
    });
    expect(c.kms_key_arn).toMatch(/^\$\{aws_kms_key\./);
    expect(c.iam_roles).toEqual([expect.stringMatching(/^\$\{aws_iam_role\.graph_neptune_loader-role.*\.arn\}$/)]);
    expect(c.vpc_security_group_ids).toEqual([expect.stringMatching(/aws_security_group\.graph_neptune_sg/)]);
    expect(c.neptune_subnet_group_name).toMatch(/aws_neptune_subnet_group/);
    expect(one(out, 'aws_neptune_subnet_group').subnet_ids).toEqual(['subnet-a', 'subnet-b']);
  });

  test('the cluster parameter group turns the audit log on, in the family of the engine version', () => {
    const pg = one(out, 'aws_neptune_cluster_parameter_group');
    expect(pg.family).toBe('neptune1.4');
    expect(pg.parameter).toEqual([expect.objectContaining({ name: 'neptune_enable_audit_log', value: '1' })]);
    expect(one(out, 'aws_neptune_parameter_group').family).toBe('neptune1.4');
  });

  test('one private instance in staging; the audit log group has retention', () => {
    expect(all(out, 'aws_neptune_cluster_instance')).toEqual([expect.objectContaining({ publicly_accessible: false, auto_minor_version_upgrade: true })]);
    const audit = all(out, 'aws_cloudwatch_log_group').find((g) => g.name === '/aws/neptune/demo-staging-graph/audit');
    expect(audit?.retention_in_days).toBe(30);
  });

  test('the loader role trusts rds.amazonaws.com for this account and reads only the export prefix', () => {
    const role = all(out, 'aws_iam_role').find((r) => r.name === 'demo-staging-graph-neptune-loader')!;
    const trust = JSON.parse(role.assume_role_policy).Statement[0];
    expect(trust.Principal).toEqual({ Service: 'rds.amazonaws.com' });
    expect(trust.Condition.StringEquals['aws:SourceAccount']).toBeDefined();
    const statements = statementsFor(out, 'graph_neptune_loader-role');
    expect(statements).toContainEqual(expect.objectContaining({ Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: expect.stringMatching(/\/exports\/\*$/) }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['exports/*'] } } }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'kms:Decrypt' }));
  });

  test('an S3 gateway endpoint is added on the private route tables when the network has none', () => {
    expect(one(out, 'aws_vpc_endpoint')).toMatchObject({ vpc_endpoint_type: 'Gateway', route_table_ids: ['rtb-a', 'rtb-b'], service_name: 'com.amazonaws.eu-west-2.s3' });
  });

  test('Neptune admits the loader Lambda and the Glue jobs on 8182 by security group, never by CIDR', () => {
    const neptuneIngress = all(out, 'aws_vpc_security_group_ingress_rule').filter((r) => String(r.security_group_id).includes('graph_neptune_sg'));
    expect(neptuneIngress).toHaveLength(2);
    for (const rule of neptuneIngress) {
      expect(rule).toMatchObject({ ip_protocol: 'tcp', from_port: 8182, to_port: 8182 });
      expect(rule.referenced_security_group_id).toMatch(/aws_security_group\./);
      expect(rule.cidr_ipv4).toBeUndefined();
    }
    expect(neptuneIngress.map((r) => r.referenced_security_group_id).sort()).toEqual([
      expect.stringMatching(/bulk-loader_sg/),
      expect.stringMatching(/graph_glue-sg_/),
    ]);
  });

  test('the bulk-load Lambda runs in the VPC with reserved concurrency, endpoint and role in its environment, no secrets', () => {
    const fn = one(out, 'aws_lambda_function');
    expect(fn.vpc_config.subnet_ids).toEqual(['subnet-a', 'subnet-b']);
    expect(fn.reserved_concurrent_executions).toBe(2);
    expect(Object.keys(fn.environment.variables).filter((k) => /PASSWORD|SECRET|TOKEN|KEY/i.test(k))).toEqual([]);
    expect(fn.environment.variables).toMatchObject({
      NEPTUNE_ENDPOINT: expect.stringMatching(/aws_neptune_cluster\.graph_neptune_cluster.*\.endpoint\}:8182$/),
      LOADER_ROLE_ARN: expect.stringMatching(/graph_neptune_loader-role.*\.arn/),
      IAM_AUTH: 'true',
    });
    const statements = statementsFor(out, 'graph_bulk-loader_role');
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: ['neptune-db:StartLoaderJob', 'neptune-db:GetLoaderJobStatus'], Resource: expect.stringMatching(/:neptune-db:eu-west-2:.*cluster_resource_id\}\/\*$/) }),
    );
  });

  test('the Glue security group reaches MySQL by a rule on the MySQL security group (ingress there, egress on Glue)', () => {
    expect(all(out, 'aws_vpc_security_group_ingress_rule')).toContainEqual(
      expect.objectContaining({ security_group_id: 'sg-mysql', ip_protocol: 'tcp', from_port: 3306, to_port: 3306, referenced_security_group_id: expect.stringMatching(/graph_glue-sg_/) }),
    );
    expect(all(out, 'aws_vpc_security_group_egress_rule')).toContainEqual(
      expect.objectContaining({ security_group_id: expect.stringMatching(/graph_glue-sg_/), from_port: 3306, referenced_security_group_id: 'sg-mysql' }),
    );
  });

  test('the crawler reads MySQL through the JDBC connection on a schedule, with the security configuration', () => {
    const crawler = one(out, 'aws_glue_crawler');
    expect(crawler).toMatchObject({
      schedule: 'cron(0 2 * * ? *)',
      jdbc_target: [{ path: 'sales/%', connection_name: 'demo-staging-graph-source-mysql' }],
      schema_change_policy: { update_behavior: 'UPDATE_IN_DATABASE', delete_behavior: 'LOG' },
    });
    expect(crawler.security_configuration).toBe('demo-staging-graph');
    expect(one(out, 'aws_glue_catalog_database').name).toBe('demo_staging_graph_source');
    const jdbc = all(out, 'aws_glue_connection').find((c) => c.connection_type === 'JDBC')!;
    expect(jdbc.connection_properties).toEqual({
      JDBC_CONNECTION_URL: 'jdbc:mysql://sales.cluster-ro-x.eu-west-2.rds.amazonaws.com:3306/sales',
      JDBC_ENFORCE_SSL: 'true',
      SECRET_ID: SOURCE.secretArn,
    });
    expect(all(out, 'aws_glue_connection').map((c) => c.connection_type).sort()).toEqual(['JDBC', 'NETWORK']);
  });

  test('three jobs share the compiled mapping as an argument; no job uses Glue bookmarks', () => {
    const jobs: Record<string, Json> = Object.fromEntries(all(out, 'aws_glue_job').map((j) => [j.name, j]));
    expect(Object.keys(jobs).sort()).toEqual(['demo-staging-graph-direct', 'demo-staging-graph-export', 'demo-staging-graph-incremental']);
    const expected = JSON.parse(JSON.stringify(compileMapping(mappingWithWatermarks)));
    for (const job of Object.values(jobs)) {
      expect(job.security_configuration).toBe('demo-staging-graph');
      expect(JSON.parse(job.default_arguments['--graph_mapping'])).toEqual(expected);
      expect(job.default_arguments['--catalog_table_prefix']).toBe('sales_');
      expect(job.default_arguments['--extra-py-files']).toMatch(/scripts\/neptune\/neptune_mapping\.py,.*scripts\/neptune\/glue_source\.py/);
    }
    const exp = jobs['demo-staging-graph-export'];
    expect(exp.command.script_location).toMatch(/\/scripts\/neptune\/export\.py$/);
    expect(exp.connections).toEqual(['demo-staging-graph-source-mysql']);
    expect(exp.default_arguments).toMatchObject({ '--export_prefix': 'exports/', '--job-bookmark-option': 'job-bookmark-disable' });
    // the export records its watermarks where the incremental job keeps its own
    expect(exp.default_arguments['--state_prefix']).toBe(jobs['demo-staging-graph-incremental'].default_arguments['--state_prefix']);
    expect(exp.default_arguments['--state_bucket']).toBe(jobs['demo-staging-graph-incremental'].default_arguments['--state_bucket']);
    const inc = jobs['demo-staging-graph-incremental'];
    expect(inc.connections).toEqual(['demo-staging-graph-source-mysql', 'demo-staging-graph-neptune-network']);
    // gremlinpython is installed offline from the uploaded wheels (the subnets have no route to PyPI); this used to
    // expect the PyPI requirement 'gremlinpython==3.7.1', which pip cannot fetch there.
    // Bookmarks off and a 15-minute lookback: user-defined bookmark keys must be strictly monotonically increasing
    // (https://docs.aws.amazon.com/glue/latest/dg/programming-etl-connect-bookmarks.html) and updated_at is not. This
    // used to expect 'job-bookmark-enable' on the incremental job.
    expect(inc.default_arguments).toMatchObject({
      '--job-bookmark-option': 'job-bookmark-disable',
      '--lookback_seconds': '900',
      '--state_prefix': 'state/incremental/',
      '--neptune_iam_auth': 'true',
      '--python-modules-installer-option': '--no-index',
    });
    expect(jobs['demo-staging-graph-direct'].default_arguments['--job-bookmark-option']).toBe('job-bookmark-disable');
    for (const name of ['demo-staging-graph-direct', 'demo-staging-graph-incremental']) {
      expect(jobs[name].default_arguments['--extra-py-files']).toMatch(/scripts\/neptune\/neptune_writer\.py$/);
    }
    expect(exp.default_arguments['--extra-py-files']).not.toMatch(/neptune_writer/);
    expect(one(out, 'aws_glue_trigger')).toMatchObject({ type: 'SCHEDULED', schedule: 'cron(0/10 * * * ? *)', actions: [{ job_name: 'demo-staging-graph-incremental' }] });
  });

  test('the upsert jobs install the vendored gremlinpython wheels offline: uploaded, named by S3 URI, --no-index', () => {
    // https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-python-libraries.html: wheel files in S3 listed in
    // --additional-python-modules; pip options in --python-modules-installer-option.
    const files = fs.readdirSync(GLUE_PYTHON_MODULES_DIR).filter((f) => f.endsWith('.whl')).sort();
    expect(files.some((f) => f.startsWith('gremlinpython-3.7.1-'))).toBe(true);
    const objects = Object.entries<Json>(out.resource.aws_s3_object).filter(([, o]) => String(o.key).startsWith('python-modules/'));
    expect(objects.map(([, o]) => o.key).sort()).toEqual(files.map((f) => `python-modules/${f}`));
    for (const [, o] of objects) {
      expect(o).toMatchObject({ server_side_encryption: 'aws:kms', source_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(o.bucket).toMatch(/^\$\{aws_s3_bucket\.graph_data_/);
    }
    const jobs: Record<string, Json> = Object.fromEntries(all(out, 'aws_glue_job').map((j) => [j.name, j]));
    for (const name of ['demo-staging-graph-direct', 'demo-staging-graph-incremental']) {
      const args = jobs[name].default_arguments;
      expect(args['--python-modules-installer-option']).toBe('--no-index');
      const uris: string[] = args['--additional-python-modules'].split(',');
      expect(uris.map((u) => u.replace(/^s3:\/\/\$\{aws_s3_bucket\.graph_data_\w+\.bucket\}\//, '')).sort()).toEqual(files.map((f) => `python-modules/${f}`));
      expect(args['--additional-python-modules']).not.toMatch(/==/);
      expect(jobs[name].depends_on).toEqual(expect.arrayContaining(objects.map(([key]) => `aws_s3_object.${key}`)));
    }
    expect(jobs['demo-staging-graph-export'].default_arguments['--additional-python-modules']).toBeUndefined();
  });

  test('the vendored wheels install offline: pip --no-index resolves gremlinpython 3.7.1 from them alone (Glue 5.0: CPython 3.11, x86_64)', () => {
    const wheels = fs.readdirSync(GLUE_PYTHON_MODULES_DIR).filter((f) => f.endsWith('.whl')).map((f) => path.join(GLUE_PYTHON_MODULES_DIR, f));
    const target = fs.mkdtempSync(path.join(os.tmpdir(), 'wheels-'));
    const pip = spawnSync(
      'python3',
      ['-m', 'pip', 'install', '--dry-run', '--no-index', '--ignore-installed', '--disable-pip-version-check', '--only-binary=:all:',
        '--python-version', '3.11', '--implementation', 'cp', '--abi', 'cp311', '--platform', 'manylinux2014_x86_64', '--target', target, ...wheels, 'gremlinpython==3.7.1'],
      { encoding: 'utf8', env: { ...process.env, PIP_NO_INPUT: '1' } },
    );
    expect(pip.stderr.replace(/^WARNING.*$/gm, '').trim()).toBe('');
    expect(pip.status).toBe(0);
    expect(pip.stdout).toMatch(/Would install .*gremlinpython-3\.7\.1/);
  });

  test('the vendored wheels import: gremlinpython\'s transport loads from them alone on CPython 3.11 (Glue 5.0)', () => {
    // A dry run resolves declared dependencies only. gremlinpython 3.7.1 imports async_timeout without declaring it
    // (TINKERPOP-3116), so the dry run passed while the first connection of a Glue 5.0 job would fail with "Please
    // install AIOHTTP"; found by test/gremlin. Installing for real and importing is what the job does.
    const version = spawnSync('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).stdout.trim();
    expect(`python3 is ${version}`).toBe('python3 is 3.11'); // the wheels hold CPython 3.11 extension modules
    const wheels = fs.readdirSync(GLUE_PYTHON_MODULES_DIR).filter((f) => f.endsWith('.whl')).map((f) => path.join(GLUE_PYTHON_MODULES_DIR, f));
    const target = fs.mkdtempSync(path.join(os.tmpdir(), 'wheels-'));
    try {
      const pip = spawnSync('python3', ['-m', 'pip', 'install', '--quiet', '--no-index', '--no-deps', '--disable-pip-version-check', '--target', target, ...wheels], {
        encoding: 'utf8',
        env: { ...process.env, PIP_NO_INPUT: '1' },
      });
      expect(pip.stderr.replace(/^WARNING.*$/gm, '').trim()).toBe('');
      const imported = spawnSync('python3', ['-S', '-c', 'import gremlin_python.driver.aiohttp.transport, gremlin_python.driver.driver_remote_connection; print("ok")'], {
        encoding: 'utf8',
        env: { ...process.env, PYTHONPATH: target, PYTHONNOUSERSITE: '1' },
      });
      expect(imported.stderr).toBe('');
      expect(imported.stdout.trim()).toBe('ok');
    } finally {
      fs.rmSync(target, { recursive: true, force: true });
    }
  });

  test('the incremental trigger is created deactivated (not started on creation) unless scheduleEnabled', () => {
    // StartOnCreation starts a SCHEDULED trigger when created
    // (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-jobs-trigger.html): it used to be true, starting billed
    // runs before any bulk load.
    expect(one(out, 'aws_glue_trigger')).toMatchObject({ enabled: false, start_on_creation: false });
    const on = build({ mapping: mappingWithWatermarks, incremental: { schedule: 'cron(0/10 * * * ? *)', scheduleEnabled: true } }).out;
    expect(one(on, 'aws_glue_trigger')).toMatchObject({ enabled: true, start_on_creation: true, schedule: 'cron(0/10 * * * ? *)' });
  });

  test('upsert jobs get query actions on the cluster; the incremental job writes only its state prefix', () => {
    const inc = statementsFor(out, 'graph_incremental_role');
    expect(inc).toContainEqual(expect.objectContaining({ Action: ['neptune-db:ReadDataViaQuery', 'neptune-db:WriteDataViaQuery', 'neptune-db:DeleteDataViaQuery'] }));
    expect(inc).toContainEqual(expect.objectContaining({ Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Resource: expect.stringMatching(/\/state\/incremental\/\*$/) }));
    expect(inc).toContainEqual(expect.objectContaining({ Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: expect.stringMatching(/\/python-modules\/\*$/) }));
    expect(statementsFor(out, 'graph_direct_role')).toContainEqual(expect.objectContaining({ Resource: expect.stringMatching(/\/python-modules\/\*$/) }));
    const exp = statementsFor(out, 'graph_export_role');
    // exports/ for the CSV, state/incremental/ for the watermarks the export covered (the first incremental run starts there)
    expect(exp).toContainEqual(
      expect.objectContaining({
        Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
        Resource: [expect.stringMatching(/\/exports\/\*$/), expect.stringMatching(/\/state\/incremental\/\*$/)],
      }),
    );
    expect(exp.some((s) => String(s.Action).includes('neptune-db'))).toBe(false);
    expect(exp).toContainEqual(expect.objectContaining({ Action: expect.arrayContaining(['glue:GetTable']), Resource: expect.arrayContaining([expect.stringMatching(/:table\/demo_staging_graph_source\/\*$/)]) }));
  });

  describe('bulk-load state machine', () => {
    const sm = one(out, 'aws_sfn_state_machine');
    const def = JSON.parse(sm.definition);

    test('runs export -> start load -> wait -> status -> choice, with an overall limit', () => {
      expect(def.StartAt).toBe('Export');
      expect(def.TimeoutSeconds).toBe(720 * 60);
      expect(def.States.Export).toMatchObject({ Resource: 'arn:${data.aws_partition.partition.partition}:states:::glue:startJobRun.sync', Next: 'StartLoad' });
      expect(def.States.Export.Parameters).toEqual({ JobName: 'demo-staging-graph-export', Arguments: { '--run_id.$': '$$.Execution.Name' } });
      expect(def.States.StartLoad.Parameters.Payload).toMatchObject({
        action: 'start',
        'vertexSource.$': expect.stringMatching(/^States\.Format\('s3:\/\/\$\{aws_s3_bucket\..*\.bucket\}\/exports\/\{\}\/vertices\/', \$\$\.Execution\.Name\)$/),
        'edgeSource.$': expect.stringMatching(/\/exports\/\{\}\/edges\/'/),
        failOnError: true,
        parallelism: 'HIGH',
      });
      expect(def.States.WaitForLoad).toEqual({ Type: 'Wait', Seconds: 60, Next: 'CheckLoad' });
      expect(def.States.CheckLoad.Parameters.Payload).toEqual({ action: 'status', 'loadIds.$': '$.load.loadIds' });
      expect(def.States.LoadFinished.Choices).toEqual([
        { Variable: '$.loadStatus.failed', BooleanEquals: true, Next: 'LoadFailed' },
        { Variable: '$.loadStatus.done', BooleanEquals: true, Next: 'Loaded' },
      ]);
      expect(def.States.LoadFinished.Default).toBe('WaitForLoad');
      expect(def.States.LoadFailed).toEqual({ Type: 'Fail', Error: 'NeptuneLoadFailed', CausePath: '$.loadStatus.cause' });
    });

    test('every task has a timeout, retries with backoff, and a catch to a Fail state', () => {
      const tasks = Object.entries(def.States as Record<string, Json>).filter(([, s]) => s.Type === 'Task');
      expect(tasks.map(([n]) => n)).toEqual(['Export', 'StartLoad', 'CheckLoad']);
      for (const [, task] of tasks) {
        expect(task.TimeoutSeconds).toBeGreaterThan(0);
        expect(task.Retry[0].BackoffRate).toBeGreaterThan(1);
        expect(def.States[task.Catch[0].Next].Type).toBe('Fail');
      }
      expect(def.States.StartLoad.Retry[0].ErrorEquals).toContain('NeptuneLoaderUnavailable');
      // a timed-out start may have queued loads: never retried; a status read is
      expect(def.States.StartLoad.Retry[0].ErrorEquals).not.toContain('States.Timeout');
      expect(def.States.CheckLoad.Retry[0].ErrorEquals).toContain('States.Timeout');
    });

    test('logs to a log group with retention and is traced', () => {
      expect(sm.logging_configuration).toMatchObject({ level: 'ERROR', include_execution_data: true });
      expect(sm.logging_configuration.log_destination).toMatch(/aws_cloudwatch_log_group\..*\.arn\}:\*$/);
      expect(sm.tracing_configuration).toEqual({ enabled: true });
      const statements = statementsFor(out, 'graph_state-machine-role');
      expect(statements).toContainEqual(expect.objectContaining({ Action: ['glue:StartJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:BatchStopJobRun'], Resource: expect.stringMatching(/aws_glue_job\..*\.arn/) }));
      expect(statements).toContainEqual(expect.objectContaining({ Action: 'lambda:InvokeFunction' }));
    });
  });

  test('passes every policy rule', () => {
    const result = checkStack('test', out as never);
    expect(result.findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}: ${f.message}`)).toEqual([]);
  });
});

describe('NeptuneGraphMigration (production presets, bulk only)', () => {
  const { out } = build({ directWrite: undefined, incremental: undefined }, true);

  test('protects the cluster: deletion protection, final snapshot, longer backups, two instances', () => {
    expect(one(out, 'aws_neptune_cluster')).toMatchObject({
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: 'demo-prod-graph-final',
      backup_retention_period: 35,
      apply_immediately: false,
    });
    expect(all(out, 'aws_neptune_cluster_instance').map((i) => i.promotion_tier)).toEqual([0, 1]);
  });

  test('creates only the bulk path: one job, no NETWORK connection, no trigger', () => {
    expect(all(out, 'aws_glue_job').map((j) => j.name)).toEqual(['demo-prod-graph-export']);
    expect(all(out, 'aws_glue_connection').map((c) => c.connection_type)).toEqual(['JDBC']);
    expect(all(out, 'aws_glue_trigger')).toEqual([]);
  });

  test('passes every policy rule, production ones included', () => {
    const result = checkStack('test-prod', out as never);
    expect(result.production).toBe(true);
    expect(result.findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}: ${f.message}`)).toEqual([]);
  });
});

describe('NeptuneGraphMigration options', () => {
  test('reuses the network S3 gateway endpoint when there is one', () => {
    const { out } = build({ network: { ...NETWORK, s3GatewayEndpointId: 'vpce-s3' }, directWrite: undefined, incremental: undefined });
    expect(all(out, 'aws_vpc_endpoint')).toEqual([]);
  });

  test('a vertex-only mapping starts no edge load', () => {
    const { out } = build({ mapping: { vertices: productMapping.vertices }, directWrite: undefined, incremental: undefined });
    const def = JSON.parse(one(out, 'aws_sfn_state_machine').definition);
    expect(def.States.StartLoad.Parameters.Payload['edgeSource.$']).toBeUndefined();
  });

  test('directWrite.readPartitions reaches the direct job as --read_hashpartitions (1, one query per table, by default)', () => {
    const direct = (o: Json) => all(o, 'aws_glue_job').find((j) => j.name === 'demo-staging-graph-direct')!;
    expect(direct(build({ incremental: undefined }).out).default_arguments['--read_hashpartitions']).toBe('1');
    expect(direct(build({ directWrite: { readPartitions: 8 }, incremental: undefined }).out).default_arguments['--read_hashpartitions']).toBe('8');
    expect(() => build({ directWrite: { readPartitions: 0 }, incremental: undefined })).toThrow(/directWrite\.readPartitions must be an integer from 1 to 64, got 0/);
  });

  test('engine 1.3 uses the neptune1.3 parameter-group family', () => {
    const { out } = build({ neptune: { engineVersion: '1.3.4.0', instances: 3 }, directWrite: undefined, incremental: undefined });
    expect(one(out, 'aws_neptune_cluster_parameter_group').family).toBe('neptune1.3');
    expect(all(out, 'aws_neptune_cluster_instance')).toHaveLength(3);
  });

  test('admits the Glue jobs to a source database given as IConnectable', () => {
    const s = stack();
    const db = { connections: new Connections(s, { securityGroupId: 'sg-aurora', defaultPort: 3307, description: 'mysql sales' }) };
    new NeptuneGraphMigration(s, 'graph', { network: NETWORK, mapping: productMapping, source: { ...SOURCE, securityGroupId: undefined, port: 3307, database: db } });
    const out = JSON.parse(Testing.synth(s));
    expect(all(out, 'aws_vpc_security_group_ingress_rule')).toContainEqual(
      expect.objectContaining({ security_group_id: 'sg-aurora', from_port: 3307, referenced_security_group_id: expect.stringMatching(/graph_glue-sg_/) }),
    );
  });

  const failures: Array<[string, Partial<NeptuneGraphMigrationProps>, RegExp, boolean]> = [
    ['fails when incremental is on but an element has no watermark column', { incremental: { schedule: 'cron(0/10 * * * ? *)' } }, /incremental needs a watermarkColumn on every mapped vertex and edge .*missing on Supplier \(supplier\), SUPPLIED_BY \(product\)/, false],
    ['fails when the source has no security-group path', { source: { ...SOURCE, securityGroupId: undefined }, incremental: undefined }, /source needs database \(an IConnectable\) or securityGroupId/, false],
    [
      'fails when the compiled mapping is too large for a job argument',
      {
        mapping: {
          vertices: Array.from({ length: 200 }, (_, i) => ({
            label: `Label${i}`,
            table: `table_${i}`,
            id: `v${i}x-{id}`,
            properties: Array.from({ length: 5 }, (_, j) => ({ column: `column_${j}`, type: 'String' as const })),
          })),
        },
        incremental: undefined,
      },
      /the compiled mapping is \d+ characters; Glue job arguments must stay well under 64 KB/,
      false,
    ],
    ['fails when nothing would run', { bulkLoad: false, directWrite: undefined, incremental: undefined }, /nothing to run: keep bulkLoad/, false],
    ['fails when the engine is older than 1.3', { neptune: { engineVersion: '1.2.1.0' }, incremental: undefined }, /engineVersion "1\.2\.1\.0" is not supported: use 1\.3\.0\.0 or later/, false],
    [
      'fails when the mapping is invalid, naming the construct and the entry',
      { mapping: { vertices: [{ label: 'A', table: 'a', id: 'a' }] }, incremental: undefined },
      /^test\/graph: mapping\.vertices\[0\] \(A\): id template "a" has no placeholder/,
      false,
    ],
    ['fails when the network has neither route tables nor an S3 endpoint', { network: { ...NETWORK, privateRouteTableIds: [] }, incremental: undefined }, /pass network\.privateRouteTableIds .* or network\.s3GatewayEndpointId/, false],
    ['fails when the crawler schedule is not a Glue cron', { crawlerSchedule: 'daily', incremental: undefined }, /crawler schedule "daily" must be a Glue cron expression/, false],
    ['fails when the subnets are in one AZ', { network: { ...NETWORK, privateSubnets: [{ id: 'a', availabilityZone: 'eu-west-2a' }, { id: 'b', availabilityZone: 'eu-west-2a' }] }, incremental: undefined }, /subnets must span >= 2 availability zones/, false],
    ['fails when the poll interval is too short', { bulkLoad: { pollIntervalSeconds: 1 }, incremental: undefined }, /bulkLoad\.pollIntervalSeconds must be an integer from 10 to 3600, got 1/, false],
    ['fails when the run limit does not exceed the export limit', { bulkLoad: { exportTimeoutMinutes: 120, timeoutMinutes: 60 }, incremental: undefined }, /bulkLoad\.timeoutMinutes \(60\) must exceed exportTimeoutMinutes \(120\)/, false],
    ['fails when deletion protection is turned off in production', { neptune: { deletionProtection: false }, incremental: undefined }, /deletionProtection cannot be turned off in production/, true],
    ['fails when backups are kept less than 7 days', { neptune: { backupRetentionDays: 1 }, incremental: undefined }, /backupRetentionDays must be an integer from 7 to 35, got 1/, false],
    [
      'fails when the wheels folder is empty, printing the pip download command that fills it',
      { incremental: undefined, gremlinPythonWheelsDir: wheelDir([]) },
      /holds no wheels\. .*download them .* for Glue 5\.0 \(Python 3\.11, Linux x86_64\), with:\n  python3 -m pip download gremlinpython==3\.7\.1 async-timeout==4\.0\.3 --dest \S+ --only-binary=:all: --python-version 3\.11 --implementation cp --abi cp311 --platform manylinux2014_x86_64$/s,
      false,
    ],
    [
      'fails when gremlinpython is not among the wheels',
      { incremental: undefined, gremlinPythonWheelsDir: wheelDir(['six-1.17.0-py2.py3-none-any.whl']) },
      /has no wheel of gremlinpython==3\.7\.1\. Empty the folder and download again with:\n  python3 -m pip download gremlinpython==3\.7\.1 async-timeout==4\.0\.3 /,
      false,
    ],
    [
      'fails when async-timeout is not among the wheels (gremlinpython 3.7.1 imports it without declaring it)',
      { incremental: undefined, gremlinPythonWheelsDir: wheelDir(['gremlinpython-3.7.1-py2.py3-none-any.whl']) },
      /has no wheel of async-timeout==4\.0\.3\. Empty the folder and download again with:\n  python3 -m pip download gremlinpython==3\.7\.1 async-timeout==4\.0\.3 /,
      false,
    ],
    [
      'fails when a wheel is built for another Python than Glue 5.0\'s',
      { incremental: undefined, gremlinPythonWheelsDir: wheelDir(['gremlinpython-3.7.1-py2.py3-none-any.whl', 'yarl-1.25.1-cp310-cp310-manylinux2014_x86_64.whl', 'multidict-7.2.1-cp311-cp311-macosx_11_0_arm64.whl']) },
      /multidict-7\.2\.1-cp311-cp311-macosx_11_0_arm64\.whl, yarl-1\.25\.1-cp310-cp310-manylinux2014_x86_64\.whl cannot be installed on Glue 5\.0 \(CPython 3\.11, Linux x86_64\)/,
      false,
    ],
    ['fails when the lookback is negative', { mapping: mappingWithWatermarks, incremental: { schedule: 'cron(0/10 * * * ? *)', lookbackSeconds: -1 } }, /incremental\.lookbackSeconds must be an integer from 0 to 604800, got -1/, false],
    ['fails when the incremental trigger has no schedule', { mapping: mappingWithWatermarks, incremental: {} as never }, /incremental\.schedule is required: the Glue cron of the incremental trigger/, false],
  ];
  test.each(failures)('%s', (_name, overrides, message, production) => {
    expect(() => build(overrides, production)).toThrow(message);
  });
});
