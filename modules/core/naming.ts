import { ValidationError } from './errors';

/**
 * Physical-name limits per service. Names longer than the limit are cut and given a short hash suffix,
 * so two long names that share a prefix never collide.
 */
export const NAME_LIMITS = {
  default: 64,
  s3Bucket: 63,
  rdsIdentifier: 63,
  dbSubnetGroup: 255,
  dbParameterGroup: 255,
  lambda: 64,
  iamRole: 64,
  iamPolicy: 128,
  securityGroup: 255,
  sqs: 80,
  sns: 256,
  kinesis: 128,
  // DMS task, endpoint, subnet-group and event-subscription identifiers allow 255 characters; a replication
  // instance identifier only 63 (https://docs.aws.amazon.com/dms/latest/APIReference/API_CreateReplicationInstance.html).
  // Two kinds, so that the instance's limit does not shorten (and so rename, and so replace) the others.
  dmsIdentifier: 255,
  dmsReplicationInstance: 63,
  logGroup: 512,
  secretsManager: 512,
  glue: 255,
  neptune: 63,
  stepFunctions: 80,
  alarm: 255,
  eventRule: 64,
  kms: 256,
} as const;

export type NameKind = keyof typeof NAME_LIMITS;

/**
 * A letter first, then letters and digits with single dashes between them: the prefix starts every RDS, DMS and
 * Neptune identifier, which "can't end with a hyphen or contain two consecutive hyphens" (CreateReplicationInstance,
 * https://docs.aws.amazon.com/dms/latest/APIReference/API_CreateReplicationInstance.html; CreateDBInstance).
 */
const SLUG = /^[a-z](?:-?[a-z0-9])*$/;

/** FNV-1a, base36: a short, stable suffix for names that had to be shortened. */
export function shortHash(text: string, length = 6): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36).padStart(length, '0').slice(-length);
}

/**
 * `${project}-${environment}-${component}` names, cut to each service's limit. The single source of physical names:
 * construct IDs stay stable while names follow the project, so a forked project renames everything in one place.
 */
export class Naming {
  constructor(
    readonly project: string,
    readonly environment: string,
  ) {
    for (const [label, value] of [
      ['project', project],
      ['environment', environment],
    ] as const) {
      if (!SLUG.test(value) || value.length > 20) {
        throw new ValidationError(
          'naming',
          `${label} "${value}" must be lower-case letters, digits and dashes, start with a letter, have no dash at the end or two in a row, and be at most 20 characters (e.g. "billing").`,
        );
      }
    }
  }

  get prefix(): string {
    return `${this.project}-${this.environment}`;
  }

  /** A physical name for `component`, e.g. `billing-prod-loader`. */
  name(component: string, kind: NameKind = 'default'): string {
    const slug = component
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '');
    if (!slug) throw new ValidationError('naming', `component "${component}" has no letters or digits to name a resource with.`);
    const full = `${this.prefix}-${slug}`;
    const limit = NAME_LIMITS[kind];
    if (full.length <= limit) return full;
    const suffix = shortHash(full);
    return `${full.slice(0, limit - suffix.length - 1).replace(/-+$/, '')}-${suffix}`;
  }

  /** Names for services that allow only letters and digits with underscores (Glue databases, Postgres identifiers). */
  snake(component: string, kind: NameKind = 'default'): string {
    return this.name(component, kind).replace(/-/g, '_');
  }
}
