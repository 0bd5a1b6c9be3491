/** Markdown for reviewers: one report per stack and a summary, readable on GitHub (tables, alerts, Mermaid). */
import { StackResult } from '../policy-check/engine';
import { policyWaiversOf, StackIndex } from '../policy-check/tf';
import { StackDiff } from './diff';
import { toMermaid } from './mermaid';
import { labelOf, modelStack, StackModel } from './model';

export interface StackReportInput {
  readonly name: string;
  readonly index: StackIndex;
  readonly policy: StackResult;
  /** Present when comparing with a base revision. */
  readonly diff?: StackDiff;
  /** e.g. `main` or a commit: how the base was named on the command line. */
  readonly baseRef?: string;
}

/** Table cells: pipes escaped, newlines flattened. */
export function cell(text: unknown): string {
  return String(text ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

function table(headers: string[], rows: string[][]): string[] {
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

function changesSection(input: StackReportInput): string[] {
  const d = input.diff!;
  const lines = [`## Changes since ${code(input.baseRef ?? 'base')}`, ''];
  if (d.status === 'added') lines.push('This stack is **new**: every resource below is created.', '');
  if (d.status === 'removed') lines.push('> [!CAUTION]', '> This stack was **removed**: `terraform destroy` of its workspace deletes every resource it holds.', '');
  for (const w of d.warnings) lines.push('> [!CAUTION]', `> **${w.split(':')[0]}**:${w.slice(w.indexOf(':') + 1)}`, '');
  for (const w of d.waiversAdded) {
    const reason = String((policyWaiversOf(input.index.json) as Record<string, unknown> | undefined)?.[w] ?? '');
    lines.push('> [!WARNING]', `> **Policy waiver added or changed**: ${code(w)} — ${reason}`, '');
  }
  if (d.status === 'unchanged') return [...lines, 'No resource changes.', ''];
  lines.push(`**${d.added.length} to add, ${d.changed.length} to change, ${d.removed.length} to destroy.**`, '');
  if (d.added.length) lines.push('### Added', '', ...table(['Type', 'Address', 'Name'], d.added.map((r) => [r.type, code(r.address), labelOf(r)])), '');
  if (d.removed.length) lines.push('### Removed', '', ...table(['Type', 'Address', 'Name'], d.removed.map((r) => [r.type, code(r.address), labelOf(r)])), '');
  if (d.settings.length) {
    lines.push('### Stack settings (provider, state backend, locals)', '');
    lines.push(...table(['Setting', 'Before', 'After'], d.settings.map((x) => [code(x.path), x.summary ?? (x.before === undefined ? '_(absent)_' : code(x.before)), x.summary ? '' : x.after === undefined ? '_(absent)_' : code(x.after)])), '');
  }
  if (d.changed.length) {
    lines.push('### Changed', '');
    for (const c of d.changed) {
      const replace = c.replacedBy.length ? ` — **replaced** (forced by ${c.replacedBy.map(code).join(', ')})` : '';
      lines.push(`#### ${code(c.address)}${replace}`, '');
      lines.push(
        ...table(
          ['Attribute', 'Before', 'After'],
          c.changes.map((x) => (x.summary ? [code(x.path), '_(summarised)_', x.summary] : [code(x.path), x.before === undefined ? '_(absent)_' : code(x.before), x.after === undefined ? '_(absent)_' : code(x.after)])),
        ),
        '',
      );
    }
  }
  return lines;
}

function postureSection(policy: StackResult): string[] {
  const failed = policy.findings.filter((f) => !f.waived);
  const waived = policy.findings.filter((f) => f.waived);
  const lines = ['## Security posture', ''];
  const verdict = failed.length || policy.waiverErrors.length ? '❌ **fails** the policy check' : '✅ **passes** the policy check';
  lines.push(`${verdict}: ${failed.length} violation(s), ${waived.length} waived, ${policy.waiverErrors.length} waiver error(s)${policy.production ? ' (production rules apply)' : ' (non-production: production-only rules skipped)'}.`, '');
  if (failed.length) lines.push(...table(['Rule', 'Resource', 'Problem', 'Fix'], failed.map((f) => [f.rule, code(f.address), f.message, f.fix])), '');
  if (waived.length) lines.push('**Waived**', '', ...table(['Rule', 'Resource', 'Problem', 'Waiver reason'], waived.map((f) => [f.rule, code(f.address), f.message, f.waived!])), '');
  if (policy.waiverErrors.length) lines.push('**Waiver errors**', '', ...policy.waiverErrors.map((e) => `- ${e}`), '');
  if (policy.unusedWaivers.length) lines.push(`Unused waivers (remove them): ${policy.unusedWaivers.map(code).join(', ')}`, '');
  const ran = policy.tallies.filter((t) => t.checked > 0);
  lines.push(
    '<details><summary>Rules evaluated</summary>',
    '',
    ...table(['Rule', 'Resources checked', 'Failed', 'Waived'], ran.map((t) => [t.rule, String(t.checked), String(t.failed), String(t.waived)])),
    '',
    `Not applicable here: ${policy.tallies.filter((t) => t.checked === 0).map((t) => t.rule + (t.skipped ? ' (prod only)' : '')).join(', ') || 'none'}.`,
    '',
    '</details>',
    '',
  );
  return lines;
}

function resourcesSection(input: StackReportInput): string[] {
  const resources = input.index.resources.filter((r) => !r.data);
  const byType = new Map<string, number>();
  for (const r of resources) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  const delta = (type: string) => {
    if (!input.diff) return '';
    const plus = input.diff.added.filter((r) => r.type === type).length;
    const minus = input.diff.removed.filter((r) => r.type === type).length;
    const tilde = input.diff.changed.filter((r) => r.type === type).length;
    return [plus && `+${plus}`, tilde && `~${tilde}`, minus && `-${minus}`].filter(Boolean).join(' ');
  };
  const headers = input.diff ? ['Type', 'Count', 'Change'] : ['Type', 'Count'];
  const rows = [...byType.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => (input.diff ? [type, String(n), delta(type)] : [type, String(n)]));
  return [
    '## Resources by type',
    '',
    `${resources.length} resources of ${byType.size} types.`,
    '',
    ...table(headers, rows),
    '',
    '<details><summary>Every resource</summary>',
    '',
    ...table(['Address', 'Construct path'], resources.map((r) => [code(r.address), r.path ?? ''])),
    '',
    '</details>',
    '',
  ];
}

function flowsSection(model: StackModel): string[] {
  const TYPE_NAMES: Record<string, string> = { external: 'outside' };
  const label = new Map(model.nodes.map((n) => [n.id, `${n.label} (${TYPE_NAMES[n.type] ?? n.type.replace(/^aws_/, '')})`]));
  const data = model.flows.filter((f) => f.kind === 'data');
  const network = model.flows.filter((f) => f.kind === 'network');
  const lines = ['## Data flows', ''];
  if (!data.length) lines.push('No data flows found.', '');
  else lines.push(...table(['From', 'To', 'How', 'Derived from'], data.map((f) => [label.get(f.from) ?? f.from, label.get(f.to) ?? f.to, f.label, code(f.via)])), '');
  lines.push('### Network paths (security-group rules)', '');
  if (!network.length) lines.push('No security-group rules between resources.', '');
  else lines.push(...table(['From', 'To', 'Port', 'Rule'], network.map((f) => [label.get(f.from) ?? f.from, label.get(f.to) ?? f.to, f.label, code(f.via)])), '');
  return lines;
}

/** The Markdown report of one stack. */
export function renderStackReport(input: StackReportInput): string {
  const model = modelStack(input.index);
  const failed = input.policy.findings.filter((f) => !f.waived).length;
  const lines = [
    `# Plan review: ${input.name}`,
    '',
    `${input.policy.production ? 'Production' : 'Non-production'} stack · ${input.index.resources.filter((r) => !r.data).length} resources · policy: ${failed ? `${failed} violation(s)` : 'clean'}${input.diff ? ` · compared with ${code(input.baseRef ?? 'base')}` : ''}`,
    '',
  ];
  if (input.diff) lines.push(...changesSection(input));
  lines.push(...postureSection(input.policy));
  lines.push(...resourcesSection(input));
  lines.push(...flowsSection(model));
  lines.push('## Diagram', '', 'Solid arrows: data and control flows. Dotted arrows: network paths allowed by security groups.', '', '```mermaid', toMermaid(model), '```', '');
  return lines.join('\n');
}

export interface SummaryRow {
  readonly name: string;
  readonly policy: StackResult;
  readonly resources: number;
  readonly diff?: StackDiff;
}

/** The summary across stacks, linking each stack's report. */
/** A stack of the base that the head no longer has, summarised instead of reviewed (see `--strict-removals`). */
export interface RemovedStackRow {
  readonly name: string;
  readonly resources: number;
}

/** The one line that stands for every removed stack when they are not reviewed one by one. */
export function removedStacksLine(removed: readonly RemovedStackRow[]): string {
  const list = removed.map((r) => `${r.name} (${r.resources} resources)`).join(', ');
  return (
    `${removed.length} stack(s) of the base are not in this revision and are not reviewed: ${list}. ` +
    'Nothing changes for a stack that was never deployed (a fork deleting the examples it does not use); ' +
    'if one was deployed, removing it destroys everything in it: run the review with `--strict-removals` for a report on each.'
  );
}

export function renderSummary(rows: readonly SummaryRow[], baseRef?: string, removedStacks: readonly RemovedStackRow[] = []): string {
  const warnings = rows.flatMap((r) => (r.diff?.warnings ?? []).map((w) => `${r.name}: ${w}`));
  const lines = ['# Plan review summary', ''];
  if (baseRef) lines.push(`Compared with ${code(baseRef)}.`, '');
  if (removedStacks.length) lines.push('> [!NOTE]', `> ${removedStacksLine(removedStacks)}`, '');
  for (const w of warnings) lines.push('> [!CAUTION]', `> ${w}`, '');
  const headers = ['Stack', 'Environment', 'Resources', 'Policy', ...(baseRef ? ['Add', 'Change', 'Destroy'] : [])];
  lines.push(
    ...table(
      headers,
      rows.map((r) => {
        const failed = r.policy.findings.filter((f) => !f.waived).length;
        const waived = r.policy.findings.length - failed;
        const policy = failed || r.policy.waiverErrors.length ? `❌ ${failed} violation(s)` : `✅ clean${waived ? ` (${waived} waived)` : ''}`;
        const base = [`[${r.name}](${r.name}.md)`, r.policy.production ? 'production' : 'non-production', String(r.resources), policy];
        if (!baseRef) return base;
        const d = r.diff;
        return [...base, String(d?.added.length ?? 0), String(d?.changed.length ?? 0), String(d?.removed.length ?? 0)];
      }),
    ),
    '',
  );
  return lines.join('\n');
}
