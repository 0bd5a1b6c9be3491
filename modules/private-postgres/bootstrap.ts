import { Construct } from 'constructs';
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { Lazy, NetworkRef, NodejsLambda, TerraformResource } from '../core';
import { dependsOnAtSynth, resourcesUnder, securityRulesUnder, vpcEndpointsOf } from './dependencies';

/** A user the bootstrap creates or updates. */
export interface BootstrapUser {
  readonly username: string;
  /** Secret with the user's password (JSON `password`); omit for IAM-only users. */
  readonly secretArn?: string;
  readonly iam?: boolean;
  /** Schemas the user owns (created when missing). */
  readonly schemas?: readonly string[];
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
 * Runs `lambdas/postgres-bootstrap` at apply time (aws_lambda_invocation) to create users, owned schemas and
 * extensions as the master user, replacing the playbook's manual steps (CREATE EXTENSION aws_s3, the app user).
 * It re-runs whenever the plan changes; every statement is idempotent.
 */
export class PostgresBootstrap extends Construct {
  readonly function: NodejsLambda;
  /** The apply-time invocation; depend on it to run after users and extensions exist. */
  readonly invocation: LambdaInvocation;
  private readonly users: BootstrapUser[] = [];
  private readonly extensions = new Set<string>();
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
    const plan = Lazy.stringValue({
      produce: () =>
        JSON.stringify({
          users: this.users.map((u) => ({ username: u.username, secretArn: u.secretArn, iam: u.iam ?? false, schemas: [...(u.schemas ?? [])] })),
          extensions: [...this.extensions].sort(),
        }),
    });
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
    if (user.secretVersion) this.secretVersions.push(user.secretVersion);
    if (user.secretArn) {
      this.function.grantPrincipal.addToPolicy({ actions: ['secretsmanager:GetSecretValue'], resources: [user.secretArn] });
    }
  }

  addExtension(name: string): void {
    this.extensions.add(name);
  }
}
