import { checkStack, Finding } from '../../../../tools/policy-check/engine';
import { RULES } from '../../../../tools/policy-check/rules';
import { Attrs, TfJson } from '../../../../tools/policy-check/tf';

/** An unresolved Terraform reference, as cdktf writes it. */
export const TOKEN = '${aws_kms_key.key.arn}';

export type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** A minimal cdk.tf.json around the given resources. */
export function stackJson(resource: Resources, options: { environment?: string; waivers?: Record<string, unknown>; data?: Resources } = {}): TfJson {
  return {
    locals: { policy_waivers: (options.waivers ?? {}) as Attrs },
    provider: { aws: [{ region: 'eu-west-2', default_tags: [{ tags: { environment: options.environment ?? 'staging', project: 'demo' } }] }] },
    resource: resource as TfJson['resource'],
    ...(options.data ? { data: options.data as TfJson['data'] } : {}),
  };
}

/** Findings of one rule over the resources (stack `demo-staging`, or `demo-production` when production). */
export function findingsOf(ruleId: string, resource: Resources, options: { production?: boolean; data?: Resources } = {}): Finding[] {
  const rule = RULES.find((r) => r.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  const name = options.production ? 'demo-production' : 'demo-staging';
  const findings = checkStack(name, stackJson(resource, { environment: options.production ? 'production' : 'staging', data: options.data }), [rule]).findings;
  // Every finding says what is wrong and how to fix it (POLICY_RULES.md): a blank message or fix fails every test
  // that reaches the finding, whether or not it matches the text.
  for (const f of findings) {
    if (!f.message.trim() || !f.fix.trim()) {
      throw new Error(`${ruleId} on ${f.address}: a finding without ${f.message.trim() ? 'a fix' : 'a message'}: ${JSON.stringify(f)}`);
    }
  }
  return findings;
}

/** The messages of one rule's findings, joined (easy to match with toMatch). */
export function messagesOf(ruleId: string, resource: Resources, options: { production?: boolean; data?: Resources } = {}): string {
  return findingsOf(ruleId, resource, options)
    .map((f) => `${f.address}: ${f.message} -> ${f.fix}`)
    .join('\n');
}

/** A copy of `attrs` with `changes` applied; `undefined` removes an attribute. */
export function withAttrs(attrs: Attrs, changes: Record<string, unknown>): Attrs {
  const out: Record<string, unknown> = { ...attrs };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out as Attrs;
}

/** Test-name text for a change set: `storage_encrypted is absent, multi_az = false`. */
export function describeChanges(changes: Record<string, unknown>): string {
  return Object.entries(changes)
    .map(([k, v]) => (v === undefined ? `${k} is absent` : `${k} = ${JSON.stringify(v)}`))
    .join(', ');
}

/** Rows `[rule, changes, message]` -> `[rule, description, changes, message]` for test.each. */
export function cases<T extends readonly [string, Record<string, unknown>, RegExp]>(rows: readonly T[]): Array<[string, string, Record<string, unknown>, RegExp]> {
  return rows.map(([rule, changes, message]) => [rule, describeChanges(changes), changes, message]);
}
