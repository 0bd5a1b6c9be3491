import {
  IAM_ROLE_SETTINGS_CONTEXT_KEY,
  iamRoleSettingsProblems,
  MigrationStack,
  ServiceRole,
  Testing,
} from '../../../modules/core';
import { DMS_CLOUDWATCH_LOGS_ROLE_NAME, DMS_VPC_ROLE_NAME } from '../../../modules/dms-account-roles';
import { registerExampleProjects } from '../../../stacks';
import { checkStack } from '../../../tools/policy-check/engine';
import { TfJson } from '../../../tools/policy-check/tf';
import { resources, synthJson, testStack } from '../../helpers/synth';

const BOUNDARY = 'arn:aws:iam::123456789012:policy/landing-zone/migration-boundary';
const PATH = '/migration/';
/** DMS finds these at role/<name>: they keep the path "/" (and still carry the boundary). */
const DMS_ACCOUNT_ROLES = new Set<string>([DMS_VPC_ROLE_NAME, DMS_CLOUDWATCH_LOGS_ROLE_NAME]);

/**
 * Role ARNs in a synthesized stack that lack `path`: built from the deploying account (the caller identity) or naming
 * one of the stack's own roles. Literal ARNs of other accounts' roles (a cross-account uploader in a bucket policy)
 * are the user's, not the kit's.
 */
function unpathedRoleArns(out: { resource: Record<string, Record<string, any>> } & Record<string, unknown>, path: string): string[] {
  const own = Object.values(out.resource.aws_iam_role ?? {}).map((r) => r.name as string);
  const arns = JSON.stringify(out).match(/arn:[^"\\]*:iam::[^"\\]*:role\/[^"\\]*/g) ?? [];
  return arns.filter((arn) => (arn.includes('${data.aws_caller_identity') || own.some((n) => arn.endsWith(`/${n}`))) && !arn.includes(`:role${path}`));
}

describe('every IAM role of every example stack carries the stack-level boundary and path', () => {
  // The setting comes from the App's context, so each example stack gets it without editing its config. A module
  // that creates a role without them (another IamRole, or a ServiceRole given its own path) fails here.
  const app = Testing.app({ context: { [IAM_ROLE_SETTINGS_CONTEXT_KEY]: { permissionsBoundaryArn: BOUNDARY, rolePath: PATH } } });
  const names = registerExampleProjects(app);
  const stacks = app.node.children.filter((c): c is MigrationStack => c instanceof MigrationStack);
  const outs = new Map(stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s)) as TfJson & { resource: Record<string, Record<string, any>> }]));

  test('the App holds every example stack', () => {
    expect(stacks.map((s) => s.node.id)).toEqual(names);
    expect(names.length).toBeGreaterThanOrEqual(14);
  });

  test.each(names)('%s: each aws_iam_role has the boundary, and the path unless DMS finds it by name', (name) => {
    const roles = Object.entries(outs.get(name)!.resource.aws_iam_role ?? {});
    expect(roles.length).toBeGreaterThan(0);
    const wrong = roles
      .filter(([, r]) => r.permissions_boundary !== BOUNDARY || r.path !== (DMS_ACCOUNT_ROLES.has(r.name) ? '/' : PATH))
      .map(([address, r]) => `${address}: path ${r.path}, boundary ${r.permissions_boundary}`);
    expect(wrong).toEqual([]);
  });

  test('the DMS account roles are among them (the exception above is exercised)', () => {
    const all = [...outs.values()].flatMap((o) => Object.values(o.resource.aws_iam_role ?? {}));
    expect(all.filter((r) => DMS_ACCOUNT_ROLES.has(r.name)).map((r) => r.path)).toEqual(expect.arrayContaining(['/']));
  });

  test('no role ARN is built from a name without the path (policies and settings use the roles\' arn attribute)', () => {
    for (const [name, out] of outs) expect({ name, built: unpathedRoleArns(out, PATH) }).toEqual({ name, built: [] });
  });

  test('fails when a policy builds a role ARN from the account and a name (the check above can fail)', () => {
    const resource = { aws_iam_role: { r: { name: 'demo-x', path: PATH } } };
    const built = 'arn:${data.aws_partition.partition.partition}:iam::${data.aws_caller_identity.caller-identity.account_id}:role/demo-x';
    expect(unpathedRoleArns({ resource, policy: { p: built } }, PATH)).toEqual([built]);
    expect(unpathedRoleArns({ resource, policy: { p: 'arn:aws:iam::111122223333:role/demo-x' } }, PATH)).toEqual(['arn:aws:iam::111122223333:role/demo-x']);
    expect(unpathedRoleArns({ resource, policy: { p: 'arn:aws:iam::444455556666:role/their-uploader' } }, PATH)).toEqual([]);
    expect(unpathedRoleArns({ resource, policy: { p: built.replace(':role/', `:role${PATH}`) } }, PATH)).toEqual([]);
  });

  test('Glue log groups named after a role include its path, as Glue names them', () => {
    const groups = [...outs.values()].flatMap((o) => Object.values(o.resource.aws_cloudwatch_log_group ?? {}).map((g) => g.name as string));
    const roleGroups = groups.filter((g) => /^\/aws-glue\/(jobs\/.*-role\/|crawlers-role\/)/.test(g));
    expect(roleGroups.length).toBeGreaterThan(0);
    for (const g of roleGroups) expect(g).toMatch(/^\/aws-glue\/(jobs\/[^/]+-role\/migration\/[^/]+\/(output|error)|crawlers-role\/migration\/[^/]+)$/);
  });

  test('every stack still passes the policy check', () => {
    for (const [name, out] of outs) {
      expect(checkStack(name, out).findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}`)).toEqual([]);
    }
  });
});

describe('MigrationStack iam settings', () => {
  test('props win over the App context; a ServiceRole reports its path', () => {
    const app = Testing.app({ context: { [IAM_ROLE_SETTINGS_CONTEXT_KEY]: { rolePath: '/from-context/' } } });
    const stack = new MigrationStack(app, 's', { project: 'demo', environment: 'staging', production: false, region: 'eu-west-2', iam: { rolePath: '/from-props/' } });
    const role = new ServiceRole(stack, 'r', { name: 'demo-staging-x', servicePrincipal: 'glue.amazonaws.com', description: 'x' });
    expect(role.path).toBe('/from-props/');
    const r = resources(synthJson(stack), 'aws_iam_role')[0];
    expect(r.path).toBe('/from-props/');
    expect(r.permissions_boundary).toBeUndefined();
  });

  test('cdktf.json\'s context reaches the stacks the way the cdktf CLI passes it (CDKTF_CONTEXT_JSON)', () => {
    const saved = process.env.CDKTF_CONTEXT_JSON;
    process.env.CDKTF_CONTEXT_JSON = JSON.stringify({ [IAM_ROLE_SETTINGS_CONTEXT_KEY]: { permissionsBoundaryArn: BOUNDARY, rolePath: PATH } });
    try {
      const stack = new MigrationStack(Testing.app(), 's', { project: 'demo', environment: 'staging', production: false, region: 'eu-west-2' });
      new ServiceRole(stack, 'r', { name: 'demo-staging-x', servicePrincipal: 'glue.amazonaws.com', description: 'x' });
      expect(resources(synthJson(stack), 'aws_iam_role')[0]).toMatchObject({ path: PATH, permissions_boundary: BOUNDARY });
    } finally {
      if (saved === undefined) delete process.env.CDKTF_CONTEXT_JSON;
      else process.env.CDKTF_CONTEXT_JSON = saved;
    }
  });

  test('a boundary of a named account is checked at plan against the deploying account; an AWS managed one is not', () => {
    const own = testStack({ iam: { permissionsBoundaryArn: BOUNDARY } });
    new ServiceRole(own, 'r', { name: 'demo-staging-x', servicePrincipal: 'glue.amazonaws.com', description: 'x' });
    const [pre] = resources(synthJson(own), 'aws_iam_role')[0].lifecycle.precondition;
    expect(pre.condition).toBe('${(data.aws_caller_identity.caller-identity.account_id == "123456789012")}');
    expect(pre.error_message).toMatch(/policy of account 123456789012, not the deploying account/);
    const managed = testStack({ iam: { permissionsBoundaryArn: 'arn:aws:iam::aws:policy/PowerUserAccess' } });
    new ServiceRole(managed, 'r', { name: 'demo-staging-x', servicePrincipal: 'glue.amazonaws.com', description: 'x' });
    const role = resources(synthJson(managed), 'aws_iam_role')[0];
    expect(role.permissions_boundary).toBe('arn:aws:iam::aws:policy/PowerUserAccess');
    expect(role.lifecycle).toBeUndefined();
  });

  test('without settings a role has no boundary and the default path', () => {
    const stack = testStack();
    const role = new ServiceRole(stack, 'r', { name: 'demo-staging-x', servicePrincipal: 'glue.amazonaws.com', description: 'x' });
    expect(role.path).toBe('/');
    const r = resources(synthJson(stack), 'aws_iam_role')[0];
    expect(r.path).toBeUndefined();
    expect(r.permissions_boundary).toBeUndefined();
  });

  test.each([
    'arn:aws:iam::123456789012:policy/boundary',
    'arn:aws-us-gov:iam::123456789012:policy/team/a/boundary',
    'arn:aws-cn:iam::aws:policy/PowerUserAccess',
  ])('accepts the boundary %s', (arn) => {
    expect(iamRoleSettingsProblems({ permissionsBoundaryArn: arn })).toEqual([]);
  });

  test.each([
    ['/', '/'],
    ['/migration/', '/migration/'],
    ['/a/b-c_d.e/', '/a/b-c_d.e/'],
    ['a 512-character path', `/${'x'.repeat(510)}/`],
  ])('accepts the path %s', (_label, p) => {
    expect(iamRoleSettingsProblems({ rolePath: p })).toEqual([]);
  });

  test.each([
    ['arn:aws:iam::123456789012:role/boundary', /not a managed policy ARN/],
    ['arn:aws:iam::12345:policy/boundary', /not a managed policy ARN/],
    ['migration-boundary', /not a managed policy ARN/],
    ['arn:aws:s3:::bucket', /not a managed policy ARN/],
  ])('fails when the boundary is %s', (arn, message) => {
    expect(() => testStack({ iam: { permissionsBoundaryArn: arn } })).toThrow(message);
  });

  test.each([
    ['migration/', 'migration/', /must be "\/" or start and end with "\/"/],
    ['/migration', '/migration', /must be "\/" or start and end with "\/"/],
    ['/my path/', '/my path/', /no spaces/],
    ['/café/', '/café/', /must be "\/" or start and end/],
    ['513 characters long', `/${'x'.repeat(511)}/`, /513 characters; IAM allows at most 512/],
  ])('fails when the path is %s', (_label, p, message) => {
    expect(() => testStack({ iam: { rolePath: p } })).toThrow(message);
  });

  test('fails when the App context holds a bad setting, naming the setting', () => {
    const app = Testing.app({ context: { [IAM_ROLE_SETTINGS_CONTEXT_KEY]: { rolePath: 'nope' } } });
    expect(() => new MigrationStack(app, 's', { project: 'demo', environment: 'staging', production: false, region: 'eu-west-2' })).toThrow(/iam.rolePath "nope"/);
  });

  test('fails when a role is given a bad fixed path', () => {
    const stack = testStack();
    expect(() => new ServiceRole(stack, 'r', { name: 'x', servicePrincipal: 'glue.amazonaws.com', description: 'x', path: 'x' })).toThrow(/path "x" must be/);
  });
});
