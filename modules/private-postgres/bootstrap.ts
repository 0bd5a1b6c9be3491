import { Construct } from 'constructs';
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { ITerraformDependable, Lazy, NetworkRef, NodejsLambda } from '../core';

/** A user the bootstrap creates or updates. */
export interface BootstrapUser {
  readonly username: string;
  /** Secret with the user's password (JSON `password`); omit for IAM-only users. */
  readonly secretArn?: string;
  readonly iam?: boolean;
  /** Schemas the user owns (created when missing). */
  readonly schemas?: readonly string[];
}

export interface PostgresBootstrapProps {
  readonly network: NetworkRef;
  readonly databaseName: string;
  /** How the function logs in as the master user (`PrivatePostgres.masterConnectionEnvironment`). */
  readonly connectionEnvironment: Record<string, string>;
  /** What must exist before the first run (e.g. Aurora instances; the RDS instance is implied by its address). */
  readonly dependsOn?: ITerraformDependable[];
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

  constructor(scope: Construct, id: string, props: PostgresBootstrapProps) {
    super(scope, id);
    this.function = new NodejsLambda(this, 'function', {
      entry: 'postgres-bootstrap',
      component: 'db-bootstrap',
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
      dependsOn: [this.function.function, ...(props.dependsOn ?? [])],
    });
  }

  addUser(user: BootstrapUser): void {
    this.users.push(user);
    if (user.secretArn) {
      this.function.grantPrincipal.addToPolicy({ actions: ['secretsmanager:GetSecretValue'], resources: [user.secretArn] });
    }
  }

  addExtension(name: string): void {
    this.extensions.add(name);
  }
}
