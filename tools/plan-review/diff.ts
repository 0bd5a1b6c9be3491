/**
 * Differences between two synthesized revisions of a stack: resources added, removed and changed, attribute by
 * attribute (JSON documents such as policies and task settings are compared inside). Secrets and asset hashes are
 * summarised, never printed. Changes that make Terraform replace a stateful resource, and stateful resources that
 * disappear or move to a new address, are flagged.
 */
import { Json, policyWaiversOf, resourcesOf, TfJson, TfResource } from '../policy-check/tf';

/** Resources whose replacement or removal loses data (or a replication position). */
export const STATEFUL_TYPES = new Set([
  'aws_db_instance',
  'aws_rds_cluster',
  'aws_rds_cluster_instance',
  'aws_neptune_cluster',
  'aws_neptune_cluster_instance',
  'aws_s3_bucket',
  'aws_kinesis_stream',
  'aws_dynamodb_table',
  'aws_kms_key',
  'aws_secretsmanager_secret',
  'aws_sqs_queue',
  'aws_dms_replication_task',
]);

/**
 * Top-level attributes whose change forces replacement, for the types that matter. Derived from the provider's own
 * plans: `npm run test:force-new-plan` (test/force-new-plan) applies each type to moto with provider 5.100.0, plans a
 * change of every attribute listed here and of some that are not, and compares the plan's `replace_paths` with this
 * table (the provider schema JSON does not say what forces replacement). What it showed:
 * - `identifier` does not replace an aws_db_instance: since provider 5.0.0 a new identifier is a rename in place
 *   (ModifyDBInstance NewDBInstanceIdentifier; hashicorp/terraform-provider-aws#31232). The endpoint's host name
 *   changes with it, so clients must follow, but no data is lost. aws_rds_cluster's `cluster_identifier` still replaces.
 * - `db_subnet_group_name` replaces an aws_rds_cluster but not an aws_db_instance, where ModifyDBInstance moves the
 *   instance (RDS API Reference, ModifyDBInstance, DBSubnetGroupName: "to move your DB instance to a different VPC").
 */
export const FORCE_NEW: Record<string, readonly string[]> = {
  aws_db_instance: ['engine', 'storage_encrypted', 'kms_key_id', 'availability_zone', 'db_name', 'username', 'snapshot_identifier', 'character_set_name'],
  aws_rds_cluster: ['cluster_identifier', 'engine', 'storage_encrypted', 'kms_key_id', 'database_name', 'master_username', 'db_subnet_group_name', 'availability_zones', 'snapshot_identifier'],
  aws_rds_cluster_instance: ['identifier', 'cluster_identifier', 'engine'],
  aws_neptune_cluster: ['cluster_identifier', 'storage_encrypted', 'kms_key_arn', 'neptune_subnet_group_name', 'availability_zones', 'snapshot_identifier'],
  aws_neptune_cluster_instance: ['identifier', 'cluster_identifier', 'engine'],
  aws_s3_bucket: ['bucket', 'bucket_prefix', 'object_lock_enabled'],
  aws_kinesis_stream: ['name'],
  aws_dynamodb_table: ['name', 'hash_key', 'range_key'],
  aws_kms_key: ['customer_master_key_spec', 'key_usage', 'multi_region'],
  aws_secretsmanager_secret: ['name', 'name_prefix'],
  aws_sqs_queue: ['name', 'fifo_queue'],
  aws_dms_replication_task: ['replication_task_id'],
  aws_lambda_function: ['function_name'],
  aws_security_group: ['name', 'description', 'vpc_id'],
  aws_iam_role: ['name', 'path'],
  aws_sns_topic: ['name', 'fifo_topic'],
};

export interface AttributeChange {
  /** `tracing_config.mode`, `policy › Statement[1].Action`. */
  readonly path: string;
  readonly before?: string;
  readonly after?: string;
  /** A secret or an asset hash: shown as a summary only. */
  readonly summary?: string;
}

export interface ChangedResource {
  readonly address: string;
  readonly type: string;
  readonly changes: AttributeChange[];
  /** Top-level attributes forcing replacement. */
  readonly replacedBy: string[];
}

export interface StackDiff {
  readonly stack: string;
  /** `added`/`removed` for a stack that exists on one side only. */
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly added: TfResource[];
  readonly removed: TfResource[];
  readonly changed: ChangedResource[];
  /** Loud warnings: stateful replacements, removals and moves, a new region or state location. */
  readonly warnings: string[];
  /** Changes to the provider, the state backend and locals (policy waivers included). */
  readonly settings: AttributeChange[];
  /** Policy waivers added or changed in this revision (`RULE-ID[:address]`), for reviewers to read. */
  readonly waiversAdded: string[];
}

const SECRET_PATH = /(password|secret_string|secret_binary|private_key|_wo$|token|credential)/i;
const ASSET_PATH = /(source_code_hash|source_hash|etag|sha256|output_base64sha256|(^|\.)filename$|(^|\.)source$|triggers\.code)/i;
const IGNORED = new Set(['//', 'depends_on']);

/**
 * How an element of an array of objects is named in a path: by `Sid`, rule name or `name` when it has one, IAM
 * statements by effect and actions, else by position. Naming by content keeps an inserted statement from showing
 * as a change to every statement after it.
 */
function elementKey(item: Json, index: number): string {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return `[${index}]`;
  for (const k of ['Sid', 'rule-name', 'name', 'id']) {
    const v = item[k];
    if (typeof v === 'string' && v) return `[${k}=${v}]`;
  }
  if ('Effect' in item && ('Action' in item || 'NotAction' in item)) {
    const actions = ([] as Json[]).concat(item.Action ?? item.NotAction ?? []).join(',');
    return `[${item.Effect} ${actions}]`;
  }
  return `[${index}]`;
}

/** Leaf values by path; arrays of scalars are one value, JSON documents in strings are opened. */
export function flatten(value: Json | undefined, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (v: Json | undefined, path: string) => {
    if (v === undefined) return;
    if (typeof v === 'string') {
      const t = v.trim();
      if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
        try {
          const parsed = JSON.parse(t) as Json;
          if (parsed && typeof parsed === 'object') {
            const inner = flatten(parsed, '');
            if (inner.size === 0) out.set(path, t);
            for (const [k, x] of inner) out.set(`${path} › ${k}`.replace(/ › $/, ''), x);
            return;
          }
        } catch {
          // not JSON: compared as text
        }
      }
      out.set(path, JSON.stringify(v));
      return;
    }
    if (v === null || typeof v !== 'object') {
      out.set(path, JSON.stringify(v));
      return;
    }
    if (Array.isArray(v)) {
      if (v.every((x) => x === null || typeof x !== 'object')) {
        out.set(path, JSON.stringify(v));
        return;
      }
      const used = new Map<string, number>();
      v.forEach((x, i) => {
        let key = elementKey(x, i);
        const n = (used.get(key) ?? 0) + 1;
        used.set(key, n);
        if (n > 1) key = `${key}#${n}`;
        visit(x, `${path}${key}`);
      });
      return;
    }
    const entries = Object.entries(v).filter(([k]) => !IGNORED.has(k));
    if (!entries.length) out.set(path, '{}');
    for (const [k, x] of entries) visit(x, path ? `${path}.${k}` : k);
  };
  visit(value, prefix);
  return out;
}

const short = (text: string | undefined, n = 70) => (text === undefined ? undefined : text.length > n ? `${text.slice(0, n - 1)}…` : text);
/** The part of two asset paths or hashes that differs, shortened: `Q1N0VN8C → ZR7KQ2M0`. */
function assetSummary(before: string | undefined, after: string | undefined): string {
  const parts = (t: string | undefined) => (t ?? '').replace(/^"|"$/g, '').split('/');
  const [a, b] = [parts(before), parts(after)];
  // The first part that differs; when one path extends the other, each side shows its own last part.
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const label = (x: string[]) => (x.join('') === '' ? 'none' : (x[i] ?? x[x.length - 1]).slice(0, 12));
  return `asset changed (${label(a)} → ${label(b)})`;
}

/** The changes between two attribute sets. */
export function diffAttributes(before: Record<string, Json>, after: Record<string, Json>): AttributeChange[] {
  const a = flatten(before as Json);
  const b = flatten(after as Json);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: AttributeChange[] = [];
  for (const path of paths) {
    const x = a.get(path);
    const y = b.get(path);
    if (x === y) continue;
    if (SECRET_PATH.test(path.split(' › ')[0]) || SECRET_PATH.test(path)) {
      out.push({ path, summary: x === undefined ? 'sensitive value added' : y === undefined ? 'sensitive value removed' : 'sensitive value changed' });
    } else if (ASSET_PATH.test(path)) {
      out.push({ path, summary: assetSummary(x, y) });
    } else {
      out.push({ path, before: short(x), after: short(y) });
    }
  }
  return out;
}

const topLevel = (path: string) => path.split(/[.[ ]/)[0];
const unquote = (value: string | undefined) => (value ?? '').replace(/^"|"$/g, '');
const physicalName = (r: TfResource): string | undefined => {
  for (const k of ['identifier', 'cluster_identifier', 'bucket', 'name', 'replication_task_id']) {
    const v = r.attrs[k];
    if (typeof v === 'string' && !v.includes('${')) return v;
  }
  return undefined;
};

/** Compares one stack's base and head JSON (either may be missing). */
export function diffStack(stack: string, base: TfJson | undefined, head: TfJson | undefined): StackDiff {
  const before = new Map(base ? resourcesOf(base).map((r) => [r.address, r]) : []);
  const after = new Map(head ? resourcesOf(head).map((r) => [r.address, r]) : []);
  const added = [...after.values()].filter((r) => !before.has(r.address));
  const removed = [...before.values()].filter((r) => !after.has(r.address));
  const changed: ChangedResource[] = [];
  const warnings: string[] = [];
  for (const [address, h] of after) {
    const b = before.get(address);
    if (!b) continue;
    const changes = diffAttributes(b.attrs, h.attrs);
    if (!changes.length) continue;
    const forceNew = FORCE_NEW[h.type] ?? [];
    const replacedBy = [...new Set(changes.map((c) => topLevel(c.path)).filter((p) => forceNew.includes(p)))];
    changed.push({ address, type: h.type, changes, replacedBy });
    if (replacedBy.length && STATEFUL_TYPES.has(h.type)) {
      warnings.push(`REPLACEMENT of stateful ${address}: changing ${replacedBy.join(', ')} makes Terraform destroy it and create a new one (data is lost unless restored from a snapshot).`);
    } else if (h.type === 'aws_db_instance') {
      // Provider 5.x renames a DB instance in place (ModifyDBInstance NewDBInstanceIdentifier), but the endpoint's host
      // name holds the identifier: RDS deletes the old DNS name at once and the instance is unavailable until the new
      // one is effective, about 10 minutes (RDS guide, "Renaming a DB instance", USER_RenameInstance.html).
      const rename = changes.find((c) => c.path === 'identifier' && c.before !== undefined && c.after !== undefined);
      if (rename) {
        warnings.push(
          `RENAME of ${address} (${unquote(rename.before)} -> ${unquote(rename.after)}): the instance keeps its data, but its endpoint host name changes; RDS deletes the old DNS name at once and the instance is unavailable until the new one is effective (about 10 minutes). Clients that use the old host name (applications, DMS endpoints, secrets holding a host) fail until they are pointed at the new one.`,
        );
      }
    }
  }
  for (const r of removed.filter((x) => STATEFUL_TYPES.has(x.type))) {
    const name = physicalName(r);
    const twin = added.find((a) => a.type === r.type && (name === undefined || physicalName(a) === name));
    warnings.push(
      twin
        ? `MOVED stateful ${r.address} -> ${twin.address}: the address changed (renamed construct id?), so Terraform destroys the old one and creates the new one. Add a \`moved\` block (or restore the construct id).`
        : `REMOVAL of stateful ${r.address}${name ? ` (${name})` : ''}: Terraform destroys it.`,
    );
  }
  const settingsOf = (json: TfJson | undefined): Record<string, Json> =>
    json
      ? ({ provider: json.provider ?? {}, backend: ((json.terraform as Record<string, Json> | undefined)?.backend as Json) ?? {}, locals: json.locals ?? {} } as Record<string, Json>)
      : {};
  const settings = base && head ? diffAttributes(settingsOf(base), settingsOf(head)) : [];
  if (settings.some((c) => /^provider\.aws\[\d+\]\.region$/.test(c.path))) {
    warnings.push('REGION CHANGE of the AWS provider: every regional resource of the stack is destroyed and created in the new region.');
  }
  const backendChanges = settings.filter((c) => /^backend\.[a-z0-9_]+\.(bucket|key|region)$/.test(c.path));
  if (backendChanges.length) {
    warnings.push(`STATE MOVE: the backend's ${backendChanges.map((c) => c.path.split('.').pop()).join(', ')} changed; run \`terraform init -migrate-state\` or Terraform starts from an empty state and tries to create everything again.`);
  }
  const waiversOf = (json: TfJson | undefined) => ((policyWaiversOf(json) ?? {}) as Record<string, Json>);
  const [wb, wh] = [waiversOf(base), waiversOf(head)];
  // A new stack's waivers are all new: a reviewer reads them as for a changed stack (a removed stack has none).
  const waiversAdded = Object.keys(wh).filter((k) => wb[k] !== wh[k]).sort();
  const status =
    !base ? 'added' : !head ? 'removed' : added.length || removed.length || changed.length || settings.length ? 'changed' : 'unchanged';
  return { stack, status, added, removed, changed, warnings, settings, waiversAdded };
}
