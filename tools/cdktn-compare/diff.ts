/**
 * The comparison behind `npm run compare:cdktn`: every difference between two synthesized outdirs (cdktf's and
 * cdktn's), each either explained by one of EXPLANATIONS (tools/cdktn-compare/README.md says why each is harmless)
 * or reported as unexplained. Pure: reads two folders, returns data; the CLI (compare.ts) prints it.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Difference {
  /** Stack name, or `manifest.json` for the outdir manifest. */
  readonly where: string;
  readonly kind: 'added' | 'removed' | 'changed';
  /** Path inside the JSON, e.g. ['terraform', 'required_providers', 'aws', 'version']; an asset's file path otherwise. */
  readonly path: readonly (string | number)[];
  readonly before?: Json;
  readonly after?: Json;
}

/** The two sides' versions: what the explained differences are allowed to differ by, and nothing else. */
export interface Versions {
  /** `cdktf` package version (the metadata `version` cdktf writes). */
  readonly cdktf: string;
  readonly cdktn: string;
  /** AWS provider version each binding package was generated from (its package.json `cdktf.provider` / `cdktn.provider`). */
  readonly providerAwsBefore: string;
  readonly providerAwsAfter: string;
}

export interface Explanation {
  readonly id: string;
  /** One line; the README section of the same title says why the difference does not change what Terraform does. */
  readonly title: string;
  readonly matches: (d: Difference, v: Versions) => boolean;
}

const isPath = (d: Difference, ...expected: (string | RegExp)[]): boolean =>
  d.path.length === expected.length &&
  expected.every((e, i) => (typeof e === 'string' ? d.path[i] === e : e.test(String(d.path[i]))));

/**
 * A provider source address in full (hostname/namespace/type): Terraform fills in `registry.terraform.io` and
 * `hashicorp` for the parts left out ("Provider Addresses", developer.hashicorp.com/terraform/internals/provider-registry-protocol).
 */
export function fullProviderAddress(source: string): string {
  const parts = source.toLowerCase().split('/');
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${parts[0]}/${parts[1]}`;
  return parts.join('/');
}

export const EXPLANATIONS: readonly Explanation[] = [
  {
    id: 'framework-version',
    title: 'The framework version in the metadata',
    // `//.metadata.version` in each stack and `version` in manifest.json: the library's own version string.
    matches: (d, v) =>
      d.kind === 'changed' &&
      d.before === v.cdktf &&
      d.after === v.cdktn &&
      (d.where === 'manifest.json' ? isPath(d, 'version') : isPath(d, '//', 'metadata', 'version')),
  },
  {
    id: 'provider-version',
    title: 'The AWS provider version pinned in required_providers',
    matches: (d, v) =>
      d.kind === 'changed' &&
      isPath(d, 'terraform', 'required_providers', 'aws', 'version') &&
      d.before === v.providerAwsBefore &&
      d.after === v.providerAwsAfter,
  },
  {
    id: 'provider-source',
    title: 'The provider source written in full',
    matches: (d) =>
      d.kind === 'changed' &&
      isPath(d, 'terraform', 'required_providers', /.+/, 'source') &&
      typeof d.before === 'string' &&
      typeof d.after === 'string' &&
      d.before !== d.after &&
      fullProviderAddress(d.before) === fullProviderAddress(d.after),
  },
];

/** Every difference between two JSON values, depth first; arrays compared index by index. */
export function diffJson(where: string, before: Json, after: Json, at: (string | number)[] = []): Difference[] {
  if (before === after) return [];
  const bothObjects =
    typeof before === 'object' && typeof after === 'object' && before !== null && after !== null &&
    Array.isArray(before) === Array.isArray(after);
  if (!bothObjects) return [{ where, kind: 'changed', path: at, before, after }];
  const out: Difference[] = [];
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (i >= before.length) out.push({ where, kind: 'added', path: [...at, i], after: after[i] });
      else if (i >= after.length) out.push({ where, kind: 'removed', path: [...at, i], before: before[i] });
      else out.push(...diffJson(where, before[i], after[i], [...at, i]));
    }
    return out;
  }
  const b = before as Record<string, Json>;
  const a = after as Record<string, Json>;
  for (const key of [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()) {
    if (!(key in a)) out.push({ where, kind: 'removed', path: [...at, key], before: b[key] });
    else if (!(key in b)) out.push({ where, kind: 'added', path: [...at, key], after: a[key] });
    else out.push(...diffJson(where, b[key], a[key], [...at, key]));
  }
  return out;
}

const readJson = (file: string): Json => JSON.parse(fs.readFileSync(file, 'utf8')) as Json;

/** Files under `dir` (relative paths) with their sha256, for the assets (Lambda zips, Glue scripts) beside a stack. */
function fileHashes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.set(path.relative(dir, full), createHash('sha256').update(fs.readFileSync(full)).digest('hex'));
  }
  return out;
}

/**
 * Compares two outdirs written by `App.synth()`: manifest.json, the set of stacks, each stack's cdk.tf.json and
 * the files beside it (assets). Returns the stacks compared and every difference.
 */
export function compareOutdirs(before: string, after: string): { stacks: string[]; differences: Difference[] } {
  const differences = diffJson('manifest.json', readJson(path.join(before, 'manifest.json')), readJson(path.join(after, 'manifest.json')));
  const list = (dir: string) => (fs.existsSync(path.join(dir, 'stacks')) ? fs.readdirSync(path.join(dir, 'stacks')).sort() : []);
  const stacksBefore = list(before);
  const stacksAfter = list(after);
  const stacks = [...new Set([...stacksBefore, ...stacksAfter])].sort();
  for (const stack of stacks) {
    const dirB = path.join(before, 'stacks', stack);
    const dirA = path.join(after, 'stacks', stack);
    if (!stacksAfter.includes(stack)) {
      differences.push({ where: stack, kind: 'removed', path: ['(stack)'] });
      continue;
    }
    if (!stacksBefore.includes(stack)) {
      differences.push({ where: stack, kind: 'added', path: ['(stack)'] });
      continue;
    }
    differences.push(...diffJson(stack, readJson(path.join(dirB, 'cdk.tf.json')), readJson(path.join(dirA, 'cdk.tf.json'))));
    const filesB = fileHashes(dirB);
    const filesA = fileHashes(dirA);
    filesB.delete('cdk.tf.json');
    filesA.delete('cdk.tf.json');
    for (const file of [...new Set([...filesB.keys(), ...filesA.keys()])].sort()) {
      const hb = filesB.get(file);
      const ha = filesA.get(file);
      if (hb === ha) continue;
      const kind = hb === undefined ? 'added' : ha === undefined ? 'removed' : 'changed';
      differences.push({ where: stack, kind, path: ['(file)', file], before: hb ?? null, after: ha ?? null });
    }
  }
  return { stacks, differences };
}

export interface Classified {
  /** Explanation id -> its differences, in EXPLANATIONS order. */
  readonly explained: Map<string, Difference[]>;
  /** Kind ("changed resource.aws_s3_bucket.*.bucket") -> its differences. */
  readonly unexplained: Map<string, Difference[]>;
}

/**
 * The kind an unexplained difference is grouped under: added/removed/changed plus its path with the resource or
 * data-source name and array indexes replaced, so one change repeated across stacks and resources is one group.
 */
export function kindOf(d: Difference): string {
  const p = d.path.map((s, i) =>
    typeof s === 'number' ? '[]' : (d.path[0] === 'resource' || d.path[0] === 'data') && i === 2 ? '*' : s);
  return `${d.kind} ${d.where === 'manifest.json' ? 'manifest.json:' : ''}${p.join('.')}`;
}

export function classify(differences: readonly Difference[], versions: Versions): Classified {
  const explained = new Map<string, Difference[]>(EXPLANATIONS.map((e) => [e.id, []]));
  const unexplained = new Map<string, Difference[]>();
  for (const d of differences) {
    const e = EXPLANATIONS.find((x) => x.matches(d, versions));
    if (e) explained.get(e.id)!.push(d);
    else unexplained.set(kindOf(d), [...(unexplained.get(kindOf(d)) ?? []), d]);
  }
  for (const [id, list] of explained) if (list.length === 0) explained.delete(id);
  return { explained, unexplained };
}

const show = (v: Json | undefined): string => {
  const text = v === undefined ? '(none)' : JSON.stringify(v);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
};
const line = (d: Difference): string =>
  `    ${d.where}: ${d.path.join('.')}  ${d.kind === 'added' ? `+ ${show(d.after)}` : d.kind === 'removed' ? `- ${show(d.before)}` : `${show(d.before)} -> ${show(d.after)}`}`;

/** The report, every difference listed under its explanation or its kind. */
export function formatReport(c: Classified): string {
  const out: string[] = [];
  const explainedCount = [...c.explained.values()].reduce((n, l) => n + l.length, 0);
  const unexplainedCount = [...c.unexplained.values()].reduce((n, l) => n + l.length, 0);
  out.push(`explained differences: ${explainedCount} (tools/cdktn-compare/README.md, "Differences and why")`);
  for (const e of EXPLANATIONS) {
    const list = c.explained.get(e.id);
    if (!list) continue;
    out.push(`  [${e.id}] ${e.title}: ${list.length}`);
    out.push(...list.map(line));
  }
  out.push(`unexplained differences: ${unexplainedCount}`);
  for (const [kind, list] of [...c.unexplained].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(`  ${kind}: ${list.length}`);
    out.push(...list.map(line));
  }
  return out.join('\n');
}
