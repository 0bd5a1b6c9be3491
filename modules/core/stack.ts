import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { S3Backend, TerraformResource, TerraformStack } from './cdktf';
import { isResolved, ValidationError } from './errors';
import { Naming } from './naming';

/** Where Terraform keeps state: an S3 bucket with native lock files (no DynamoDB table needed since Terraform 1.10). */
export interface StateBackendProps {
  /** Bucket that holds the state files (create it once per account, versioned and encrypted). */
  readonly bucket: string;
  /** @default `${project}/${environment}/terraform.tfstate` */
  readonly key?: string;
  /** @default the stack's region */
  readonly region?: string;
}

/**
 * What every IAM role of the stack carries, for landing zones that refuse roles without them (an SCP that requires a
 * permissions boundary, or a path that delegated administrators may manage). See `iamRoleSettingsProblems` for the
 * synth-time checks, which follow the IAM CreateRole API
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html: Path and PermissionsBoundary).
 */
export interface IamRoleSettings {
  /**
   * ARN of the managed policy set as the permissions boundary of every role, e.g.
   * `arn:aws:iam::123456789012:policy/migration-boundary`. It caps what the roles' own policies can grant, so it must
   * allow what the kit's roles do (Glue, Step Functions, Lambda, DMS, Neptune loader). @default no boundary
   */
  readonly permissionsBoundaryArn?: string;
  /**
   * Path of every role, e.g. `/migration/`: starts and ends with `/`, at most 512 characters of ASCII `!` to DEL.
   * It becomes part of each role's ARN (`arn:aws:iam::123456789012:role/migration/<name>`); the kit always uses the
   * roles' `arn` attribute, never an ARN built from the name. DMS's account roles (`dms-vpc-role`,
   * `dms-cloudwatch-logs-role`) keep the path `/`: DMS finds them by name at `role/<name>`. @default '/'
   */
  readonly rolePath?: string;
}

/**
 * The context key that sets `IamRoleSettings` for every stack of an App, when a stack's props do not: one setting for
 * a whole forked project in a landing zone. Set it in `new App({ context })`, or in `cdktf.json`'s `context` when the
 * cdktf CLI runs the App (the CLI passes it as `CDKTF_CONTEXT_JSON`; `npm run synth` runs main.ts without the CLI).
 */
export const IAM_ROLE_SETTINGS_CONTEXT_KEY = 'aws-data-migration-kit:iam';

const POLICY_ARN = /^arn:aws(-[a-z]+)*:iam::(\d{12}|aws):policy\/([\u0021-\u007f]*\/)?[\w+=,.@-]{1,128}$/;
const ROLE_PATH = /^\/([\u0021-\u007f]*\/)?$/;

/** What is wrong with IAM role settings (empty when they are valid); values that are tokens are not checked. */
export function iamRoleSettingsProblems(settings: IamRoleSettings): string[] {
  const problems: string[] = [];
  const boundary = settings.permissionsBoundaryArn;
  if (boundary !== undefined && isResolved(boundary) && !POLICY_ARN.test(boundary)) {
    problems.push(
      `iam.permissionsBoundaryArn "${boundary}" is not a managed policy ARN: use arn:<partition>:iam::<account id>:policy/<path/><name>, e.g. "arn:aws:iam::123456789012:policy/migration-boundary".`,
    );
  }
  const path = settings.rolePath;
  if (path !== undefined && isResolved(path)) {
    if (path.length > 512) problems.push(`iam.rolePath is ${path.length} characters; IAM allows at most 512.`);
    else if (!ROLE_PATH.test(path)) {
      problems.push(
        `iam.rolePath "${path}" must be "/" or start and end with "/", with ASCII characters from "!" to DEL between (no spaces), e.g. "/migration/".`,
      );
    }
  }
  return problems;
}

export interface MigrationStackProps {
  /** Short project slug used in every physical name, e.g. `billing`. */
  readonly project: string;
  /** Environment slug, e.g. `staging` or `prod`. Production rules apply when `production` is true. */
  readonly environment: string;
  /** Turns on the production presets of every module (multi-AZ, deletion protection, longer retention). */
  readonly production: boolean;
  /** AWS region, e.g. `eu-west-2`. */
  readonly region: string;
  /** Remote state. Omit only for throwaway experiments (state stays local). */
  readonly backend?: StateBackendProps;
  /** Tags added to every resource the provider creates. `project`, `environment` and `managed-by` are always set. */
  readonly tags?: Record<string, string>;
  /**
   * Policy rules waived for this stack, each with the reason (see tools/policy-check). A waiver is explicit,
   * per stack, and shows up in the review report.
   */
  readonly policyWaivers?: Record<string, string>;
  /**
   * Permissions boundary and path for every IAM role the stack creates.
   * @default the App's context `aws-data-migration-kit:iam`, else none (no boundary, path `/`)
   */
  readonly iam?: IamRoleSettings;
}

/**
 * Base class of every example stack: one AWS provider with default tags, the S3 backend, naming, and the
 * account/region/partition lookups modules need for ARNs and trust conditions.
 */
export class MigrationStack extends TerraformStack {
  /** Finds the MigrationStack that contains `scope`, or fails with a message saying how to fix it. */
  static of(scope: Construct): MigrationStack {
    let node: Construct | undefined = scope;
    while (node) {
      if (node instanceof MigrationStack) return node;
      node = node.node.scope;
    }
    throw new ValidationError(scope, 'modules must be created inside a MigrationStack (modules/core/stack.ts), which supplies naming, tags and the provider.');
  }

  readonly naming: Naming;
  readonly production: boolean;
  readonly region: string;
  readonly provider: AwsProvider;
  readonly policyWaivers: Record<string, string>;
  /** The boundary and path every role of this stack gets (from props, else the App's context). */
  readonly iamRoleSettings: IamRoleSettings;
  private identity?: DataAwsCallerIdentity;
  private partitionData?: DataAwsPartition;
  private regionData?: DataAwsRegion;

  constructor(scope: Construct, id: string, props: MigrationStackProps) {
    super(scope, id);
    this.naming = new Naming(props.project, props.environment);
    this.production = props.production;
    this.region = props.region;
    this.policyWaivers = { ...(props.policyWaivers ?? {}) };
    for (const [rule, reason] of Object.entries(this.policyWaivers)) {
      if (!reason || reason.trim().length < 10) {
        throw new ValidationError(this, `policy waiver ${rule} needs a reason of at least a sentence, e.g. "the queue is encrypted by SQS-managed keys; no CMK needed".`);
      }
    }
    const iam = props.iam ?? (this.node.tryGetContext(IAM_ROLE_SETTINGS_CONTEXT_KEY) as IamRoleSettings | undefined) ?? {};
    const iamProblems = iamRoleSettingsProblems(iam);
    if (iamProblems.length) throw new ValidationError(this, iamProblems.join(' '));
    this.iamRoleSettings = { ...iam };
    this.provider = new AwsProvider(this, 'aws', {
      region: props.region,
      defaultTags: [
        {
          tags: {
            ...(props.tags ?? {}),
            project: props.project,
            environment: props.environment,
            'managed-by': 'cdktf',
          },
        },
      ],
    });
    if (props.backend) {
      const backend = new S3Backend(this, {
        bucket: props.backend.bucket,
        key: props.backend.key ?? `${props.project}/${props.environment}/terraform.tfstate`,
        region: props.backend.region ?? props.region,
        encrypt: true,
      });
      // S3-native state locking (Terraform >= 1.10); cdktf 0.21's typed config predates the option.
      backend.addOverride('use_lockfile', true);
    }
    // Waivers travel with the synthesized JSON so the policy check and the review report can read them. They sit
    // under the top-level "//" key, which Terraform's JSON syntax treats as a comment: metadata, not configuration
    // (a local that nothing references is what tflint's terraform_unused_declarations reports).
    this.addOverride('//.policy_waivers', this.policyWaivers);
    // Write-only arguments (`secret_string_wo` on the login secrets) need Terraform or OpenTofu >= 1.11: OpenTofu
    // 1.10 rejects them at validate ("Write-only attributes are only supported in Terraform 1.11 and later"), as
    // `npm run verify` showed; S3 native lock files (use_lockfile) need >= 1.10. The higher bound wins.
    // https://developer.hashicorp.com/terraform/language/manage-sensitive-data/write-only ,
    // https://opentofu.org/docs/language/ephemerality/write-only-attributes
    this.addOverride('terraform.required_version', '>= 1.11.0');
  }

  /**
   * Waives one policy rule for one resource, with the reason (at least a sentence). The waiver is written to the
   * stack's JSON as `"<RULE-ID>:<type>.<name>"` and reported by the policy check and the review, never hidden.
   * `target` is the resource, or a module construct holding it: then the one resource of `resourceType` inside it
   * (or its only resource). When that is ambiguous the error lists the candidates and how to pick one.
   */
  waivePolicy(rule: string, target: TerraformResource | Construct, reason: string, resourceType?: string): void {
    if (!/^[A-Z0-9]+(-[A-Z0-9]+)+$/.test(rule)) {
      throw new ValidationError(this, `waivePolicy: "${rule}" is not a rule id of POLICY_RULES.md (e.g. "SECRETS-ROTATION").`);
    }
    if (!reason || reason.trim().length < 10) {
      throw new ValidationError(this, `waivePolicy ${rule}: the reason must say why, in at least a sentence.`);
    }
    const resource = target instanceof TerraformResource ? target : this.resourceIn(target, rule, resourceType);
    this.policyWaivers[`${rule}:${resource.terraformResourceType}.${resource.friendlyUniqueId}`] = reason;
  }

  private resourceIn(scope: Construct, rule: string, resourceType: string | undefined): TerraformResource {
    const all = scope.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource);
    const candidates = resourceType ? all.filter((r) => r.terraformResourceType === resourceType) : all;
    if (candidates.length === 1) return candidates[0];
    const listed = (resourceType ? candidates : all).map((r) => `${r.terraformResourceType} (${r.node.path})`);
    throw new ValidationError(
      this,
      `waivePolicy ${rule}: ${scope.node.path} holds ${candidates.length === 0 ? 'no' : candidates.length} ` +
        `${resourceType ?? 'resource'}${candidates.length === 1 ? '' : 's'}; ` +
        (listed.length ? `name one: pass its handle, or its type as the 4th argument (${[...new Set(listed)].slice(0, 12).join(', ')})` : 'pass the resource itself'),
    );
  }

  /** The deploying account's ID (a token resolved at plan). */
  get accountId(): string {
    this.identity ??= new DataAwsCallerIdentity(this, 'caller-identity');
    return this.identity.accountId;
  }

  /** The partition (`aws`, `aws-cn`, ...) for ARNs. */
  get partition(): string {
    this.partitionData ??= new DataAwsPartition(this, 'partition');
    return this.partitionData.partition;
  }

  /** The region name resolved by the provider (equal to `region`, but a token, for ARNs in policies). */
  get regionName(): string {
    this.regionData ??= new DataAwsRegion(this, 'region');
    return this.regionData.region;
  }
}
