/**
 * Reading synthesized Terraform JSON (`cdktf.out/stacks/<name>/cdk.tf.json`): resources, references between them,
 * and how literal a value is. Shared by the policy check and the plan-review report; no cdktf import, so both tools
 * run on any cdk.tf.json, including ones synthesized from another revision.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Attrs = { [key: string]: Json };

/** The parts of a cdk.tf.json the tools read. */
export interface TfJson {
  readonly resource?: Record<string, Record<string, Attrs>>;
  readonly data?: Record<string, Record<string, Attrs>>;
  readonly locals?: Record<string, Json>;
  readonly provider?: Record<string, Json>;
  readonly [key: string]: unknown;
}

/** One resource (or data source) of a stack. `address` is what Terraform prints: `aws_s3_bucket.raw_1A2B3C`. */
export interface TfResource {
  readonly type: string;
  readonly name: string;
  readonly address: string;
  readonly attrs: Attrs;
  /** Construct path (`billing-prod/loader/function`), when cdktf recorded it. */
  readonly path?: string;
  readonly data: boolean;
}

export interface SynthStack {
  readonly name: string;
  readonly json: TfJson;
  readonly file: string;
}

/**
 * The stack's policy waivers as MigrationStack writes them: under the top-level `"//"` key (a comment to Terraform).
 * Stacks synthesized before 2026-12 kept them in `locals.policy_waivers`, which is still read (reviews against an
 * older base revision).
 */
export function policyWaiversOf(json: TfJson | undefined): Json | undefined {
  const comment = json?.['//'] as { policy_waivers?: Json } | undefined;
  return comment?.policy_waivers ?? json?.locals?.policy_waivers;
}

/** Every `stacks/<name>/cdk.tf.json` under a cdktf output folder, by name. Missing folder: none. */
export function loadStacks(outdir: string): SynthStack[] {
  const stacksDir = path.join(outdir, 'stacks');
  if (!fs.existsSync(stacksDir)) return [];
  return fs
    .readdirSync(stacksDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(stacksDir, d.name, 'cdk.tf.json')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const file = path.join(stacksDir, name, 'cdk.tf.json');
      return { name, file, json: JSON.parse(fs.readFileSync(file, 'utf8')) as TfJson };
    });
}

/** All resources (and, with `includeData`, data sources) of a stack, in a stable order. */
export function resourcesOf(json: TfJson, includeData = false): TfResource[] {
  const out: TfResource[] = [];
  const collect = (blocks: TfJson['resource'], data: boolean) => {
    for (const type of Object.keys(blocks ?? {}).sort()) {
      for (const name of Object.keys(blocks![type]).sort()) {
        const attrs = blocks![type][name];
        out.push({ type, name, address: `${data ? 'data.' : ''}${type}.${name}`, attrs, path: metadataPath(attrs), data });
      }
    }
  };
  collect(json.resource, false);
  if (includeData) collect(json.data, true);
  return out;
}

function metadataPath(attrs: Attrs): string | undefined {
  const meta = attrs['//'];
  if (meta && typeof meta === 'object' && !Array.isArray(meta)) {
    const m = (meta as Attrs).metadata as Attrs | undefined;
    if (m && typeof m.path === 'string') return m.path;
  }
  return undefined;
}

/** True for a string holding an unresolved Terraform expression (`${...}`), known only at plan. */
export function isToken(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

/** Present and non-empty (a token counts as set). */
export function isSet(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim().length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** The literal boolean `value` (`true`/`"true"`); tokens and absence are not. */
export function isLiteral(value: unknown, expected: boolean): boolean {
  return value === expected || value === String(expected);
}

/** A literal number (numbers or numeric strings); undefined for tokens, absence and anything else. */
export function literalNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

/** A literal string (not a token). */
export function literalString(value: unknown): string | undefined {
  return typeof value === 'string' && !isToken(value) ? value : undefined;
}

/** Nested blocks come out as an object or a list of objects depending on the construct; this returns a list. */
export function blocks(value: unknown): Attrs[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.filter((v): v is Attrs => typeof v === 'object' && v !== null && !Array.isArray(v));
  if (typeof value === 'object') return [value as Attrs];
  return [];
}

/** The first nested block (or undefined). */
export function block(value: unknown): Attrs | undefined {
  return blocks(value)[0];
}

/** How a value is shown in messages: short, JSON-ish, tokens as written. */
export function show(value: unknown): string {
  if (value === undefined) return 'absent';
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A reference found inside a token: `${aws_s3_bucket.raw.arn}` -> {type, name, attr, address}. */
export interface TfRef {
  readonly type: string;
  readonly name: string;
  readonly attr?: string;
  /** `aws_s3_bucket.raw` or `data.aws_iam_policy_document.x` */
  readonly address: string;
}

const REF = /\b(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_]+))?/g;

/** Every resource reference inside the `${...}` parts of a string (or of any nested value). */
export function refsIn(value: unknown): TfRef[] {
  const out: TfRef[] = [];
  const seen = new Set<string>();
  const visit = (v: unknown) => {
    if (typeof v === 'string') {
      for (const expr of expressions(v)) {
        for (const m of expr.matchAll(REF)) {
          const [, data, type, name, attr] = m;
          if (type === 'each' || type === 'count' || type === 'var' || type === 'local') continue;
          const address = `${data ? 'data.' : ''}${type}.${name}`;
          const key = `${address}.${attr ?? ''}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push({ type, name, attr, address });
        }
      }
    } else if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (v && typeof v === 'object') {
      Object.entries(v).forEach(([k, child]) => k !== '//' && visit(child));
    }
  };
  visit(value);
  return out;
}

/** The `${...}` expressions of a string (balanced braces, so `${jsonencode({a = 1})}` is one expression). */
export function expressions(text: string): string[] {
  const out: string[] = [];
  let i = text.indexOf('${');
  while (i >= 0) {
    let depth = 0;
    let j = i + 1;
    for (; j < text.length; j++) {
      if (text[j] === '{') depth++;
      else if (text[j] === '}' && --depth === 0) break;
    }
    out.push(text.slice(i + 2, j));
    i = text.indexOf('${', j);
  }
  return out;
}

/** Indexed view of one stack, with the lookups rules and the report need. */
export class StackIndex {
  readonly resources: TfResource[];
  private readonly byAddress = new Map<string, TfResource>();

  constructor(readonly name: string, readonly json: TfJson) {
    this.resources = resourcesOf(json, true);
    for (const r of this.resources) this.byAddress.set(r.address, r);
  }

  get(address: string): TfResource | undefined {
    return this.byAddress.get(address);
  }

  ofType(...types: string[]): TfResource[] {
    return this.resources.filter((r) => !r.data && types.includes(r.type));
  }

  /** The resource a token-valued attribute points at (first reference of one of `types`). */
  target(value: unknown, ...types: string[]): TfResource | undefined {
    for (const ref of refsIn(value)) {
      if (types.length && !types.includes(ref.type)) continue;
      const found = this.get(ref.address);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * Resources of `type` whose attribute `attr` points at `target`: by reference (`${aws_s3_bucket.x.id}`) or by the
   * same literal physical name (`literalKey` of the target, e.g. the bucket's `bucket`).
   */
  referencing(type: string, attr: string, target: TfResource, literalKey?: string): TfResource[] {
    const literal = literalKey ? literalString(target.attrs[literalKey]) : undefined;
    return this.ofType(type).filter((r) => {
      const v = r.attrs[attr];
      if (refsIn(v).some((ref) => ref.address === target.address)) return true;
      return literal !== undefined && v === literal;
    });
  }

  /** Providers' default tags merged (for the environment tag). */
  defaultTags(): Record<string, string> {
    const tags: Record<string, string> = {};
    for (const provider of blocks(this.json.provider?.aws)) {
      for (const dt of blocks(provider.default_tags)) {
        for (const [k, v] of Object.entries(block(dt.tags) ?? {})) {
          if (typeof v === 'string') tags[k] = v;
        }
      }
    }
    return tags;
  }

  /** Production: the stack name or the provider's `environment` default tag says prod/production. */
  get production(): boolean {
    const prod = /(^|[^a-z])(prod|production)([^a-z]|$)/i;
    const env = this.defaultTags().environment;
    return prod.test(this.name) || (env !== undefined && prod.test(env));
  }
}
