import { Construct } from 'constructs';
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { Lazy, NetworkRef, NodejsLambda, TerraformResource, ValidationError } from '../core';
import { BootstrapPlan, BootstrapPlanSchema, planProblems, SchemaFile } from '../../lambdas/postgres-bootstrap/plan';
import { dependsOnAtSynth, resourcesUnder, securityRulesUnder, vpcEndpointsOf } from './dependencies';
import type { SchemaGrant } from './props';
import { readSchemaFile } from './schema-files';

/** A user the bootstrap creates or updates. */
export interface BootstrapUser {
  readonly username: string;
  /** Secret with the user's password (JSON `password`); omit for IAM-only users. */
  readonly secretArn?: string;
  readonly iam?: boolean;
  /** Schemas the user owns (created when missing): the same as `grants` with privilege `owner`. */
  readonly schemas?: readonly string[];
  /** What the user may do in which schema (read, write, owner); in the schemas a plan names, nothing else. */
  readonly grants?: readonly SchemaGrant[];
  /** Alternating-users rotation: the bootstrap also creates `<username>_clone`, acting as the user. */
  readonly alternate?: boolean;
  /** The resource that writes the secret's value: the first run waits for it. */
  readonly secretVersion?: TerraformResource;
}

export interface PostgresBootstrapProps {
  /** Name component of the database (`PrivatePostgres.component`); the function is `<component>-bootstrap`. @default 'db' */
  readonly component?: string;
  readonly network: NetworkRef;
  readonly databaseName: string;
  /** How the function logs in as the master user (`PrivatePostgres.masterConnectionEnvironment`). */
  readonly connectionEnvironment: Record<string, string>;
  /** What must exist before the first run (e.g. Aurora instances; the RDS instance is implied by its address). */
  readonly dependsOn?: readonly TerraformResource[];
  /**
   * More of the same, read when the stack is synthesized, so what is added after construction counts (the database's
   * security-group rules, the secret versions of users added later).
   */
  readonly dependsOnAtSynth?: () => readonly TerraformResource[];
}

/**
 * Runs `lambdas/postgres-bootstrap` at apply time (aws_lambda_invocation) to create users, their schemas and grants,
 * extensions and the tables of schema files as the master user, replacing the playbook's manual steps (CREATE
 * EXTENSION aws_s3, the app user, the target tables). It re-runs whenever the plan changes, in one transaction;
 * every step is idempotent, and a schema file runs once per content (a sha256 ledger in the database).
 */
export class PostgresBootstrap extends Construct {
  readonly function: NodejsLambda;
  /** The apply-time invocation; depend on it to run after users and extensions exist. */
  readonly invocation: LambdaInvocation;
  private readonly users: BootstrapUser[] = [];
  private readonly extensions = new Set<string>();
  private readonly s3ImportUsers = new Set<string>();
  private readonly schemaFiles: SchemaFile[] = [];
  private readonly secretVersions: TerraformResource[] = [];

  constructor(scope: Construct, id: string, props: PostgresBootstrapProps) {
    super(scope, id);
    this.function = new NodejsLambda(this, 'function', {
      entry: 'postgres-bootstrap',
      component: `${props.component ?? 'db'}-bootstrap`,
      description: `Creates users, schemas and extensions in ${props.databaseName} (idempotent)`,
      timeoutSeconds: 120,
      memoryMiB: 256,
      network: props.network,
      databaseWriter: true,
      reservedConcurrency: 1,
      environment: props.connectionEnvironment,
    });
    const plan = Lazy.stringValue({ produce: () => JSON.stringify(this.plan()) });
    this.invocation = new LambdaInvocation(this, 'apply', {
      functionName: this.function.function.functionName,
      input: plan,
      triggers: { plan, code: this.function.bundle.sha256Base64 },
    });
    // The first run must find the function able to work: its policy (including addUser's grants), its
    // security-group rules and the VPC endpoints it calls exist, and the secret versions it reads are written.
    dependsOnAtSynth(this.invocation, (context) => [
      this.function.function,
      ...(props.dependsOn ?? []),
      ...resourcesUnder(this.function.role),
      ...securityRulesUnder(this.function),
      ...vpcEndpointsOf(this, props.network, context),
      ...this.secretVersions,
      ...(props.dependsOnAtSynth?.() ?? []),
    ]);
  }

  addUser(user: BootstrapUser): void {
    this.users.push(user);
    this.checkPlan(`user ${user.username}`);
    if (user.secretVersion) this.secretVersions.push(user.secretVersion);
    if (user.secretArn) {
      this.function.grantPrincipal.addToPolicy({ actions: ['secretsmanager:GetSecretValue'], resources: [user.secretArn] });
    }
  }

  addExtension(name: string): void {
    this.extensions.add(name);
  }

  /**
   * Lets `username` (a user of this bootstrap) call aws_s3.table_import_from_s3: USAGE on aws_s3 and aws_commons and
   * EXECUTE on their functions, as templates/postgres/s3-import.sql grants by hand. Users not allowed lose the grant.
   */
  allowS3Import(username: string): void {
    this.s3ImportUsers.add(username);
  }

  /**
   * Applies a SQL file (path relative to the repository root) at deploy time, once per content, as `owner` (a user
   * of this bootstrap, who then owns what it creates) or the master user. Checked at synth; see readSchemaFile.
   */
  addSchemaFile(file: string, owner?: string): void {
    this.schemaFiles.push(readSchemaFile(this, 'schemaFiles', file, owner));
  }

  /** The plan as the Lambda receives it. */
  private plan(): BootstrapPlan {
    const unknown = [...this.s3ImportUsers].filter((u) => !this.users.some((x) => x.username === u));
    if (unknown.length) throw new ValidationError(this, `allowS3Import: ${unknown.join(', ')} is not a user of the bootstrap; add the login first.`);
    this.checkPlan('the plan');
    return {
      users: this.users.map((u) => ({
        username: u.username,
        secretArn: u.secretArn,
        iam: u.iam ?? false,
        schemas: [...(u.schemas ?? [])],
        ...(u.grants?.length ? { grants: u.grants.map((g) => ({ schema: g.schema, privilege: g.privilege })) } : {}),
        ...(this.s3ImportUsers.has(u.username) ? { s3Import: true } : {}),
        ...(u.alternate ? { alternate: true } : {}),
      })) as BootstrapPlan['users'],
      extensions: [...this.extensions].sort(),
      ...(this.schemaFiles.length ? { schemaFiles: this.schemaFiles } : {}),
    } as BootstrapPlan;
  }

  /** The Lambda's own plan checks (lambdas/postgres-bootstrap/plan.ts), at synth: two owners of a schema, a file's owner that is no user. */
  private checkPlan(what: string): void {
    const draft = BootstrapPlanSchema.parse({
      users: this.users.map((u) => ({ username: u.username, secretArn: u.secretArn, iam: u.iam ?? false, schemas: [...(u.schemas ?? [])], grants: [...(u.grants ?? [])], alternate: u.alternate ?? false })),
      schemaFiles: this.schemaFiles,
    });
    const problems = planProblems(draft);
    if (problems.length) throw new ValidationError(this, `${what}: ${problems.join('; ')}.`);
  }
}
