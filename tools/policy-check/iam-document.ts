/**
 * IAM policy documents as they appear in cdk.tf.json: a literal JSON string (with `${...}` references inside
 * values), or a reference to a `data.aws_iam_policy_document`. Anything else (a `${jsonencode(...)}` expression, a
 * file() call) cannot be reviewed before plan and is reported as such.
 */
import { Attrs, blocks, isToken, StackIndex } from './tf';

export interface PolicyCondition {
  readonly operator: string;
  readonly key: string;
  readonly values: string[];
}

export interface PolicyPrincipal {
  /** `Service`, `AWS`, `Federated`, or `*` for `"Principal": "*"`. */
  readonly type: string;
  readonly ids: string[];
}

export interface PolicyStatementView {
  readonly index: number;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: string[];
  readonly notActions: string[];
  readonly resources: string[];
  readonly notResources: string[];
  readonly principals: PolicyPrincipal[];
  readonly conditions: PolicyCondition[];
}

export type ParsedPolicy = { readonly statements: PolicyStatementView[]; readonly error?: undefined } | { readonly error: string };

const list = (v: unknown): string[] => (v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map((x) => String(x)));

/** Parses a policy attribute value; `stack` resolves `${data.aws_iam_policy_document.x.json}`. */
export function parsePolicy(value: unknown, stack?: StackIndex): ParsedPolicy {
  if (value === undefined || value === null || value === '') return { error: 'the policy document is absent' };
  if (typeof value === 'object') return fromJson(value);
  if (typeof value !== 'string') return { error: `the policy is a ${typeof value}, not a JSON document` };
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    try {
      return fromJson(JSON.parse(trimmed));
    } catch (e) {
      return { error: `the policy is not valid JSON (${(e as Error).message})` };
    }
  }
  const doc = /^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\}$/.exec(trimmed);
  if (doc && stack) {
    const data = stack.get(`data.aws_iam_policy_document.${doc[1]}`);
    if (data) return fromPolicyDocumentData(data.attrs);
  }
  if (isToken(trimmed)) {
    return { error: 'policy must be a literal JSON document so it can be reviewed (it is an expression resolved only at plan)' };
  }
  return { error: 'the policy is not a JSON document' };
}

function fromJson(doc: unknown): ParsedPolicy {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { error: 'the policy JSON is not an object' };
  const raw = (doc as Attrs).Statement;
  const statements = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Attrs[];
  return {
    statements: statements.map((s, index) => ({
      index,
      sid: typeof s.Sid === 'string' ? s.Sid : undefined,
      effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
      actions: list(s.Action),
      notActions: list(s.NotAction),
      resources: list(s.Resource),
      notResources: list(s.NotResource),
      principals: principalsOf(s.Principal),
      conditions: Object.entries((s.Condition as Attrs) ?? {}).flatMap(([operator, entries]) =>
        Object.entries((entries as Attrs) ?? {}).map(([key, values]) => ({ operator, key, values: list(values) })),
      ),
    })),
  };
}

function principalsOf(p: unknown): PolicyPrincipal[] {
  if (p === undefined) return [];
  if (typeof p === 'string') return [{ type: p === '*' ? '*' : 'AWS', ids: [p] }];
  return Object.entries(p as Attrs).map(([type, ids]) => ({ type, ids: list(ids) }));
}

function fromPolicyDocumentData(attrs: Attrs): ParsedPolicy {
  return {
    statements: blocks(attrs.statement).map((s, index) => ({
      index,
      sid: typeof s.sid === 'string' ? s.sid : undefined,
      effect: s.effect === 'Deny' ? 'Deny' : 'Allow',
      actions: list(s.actions),
      notActions: list(s.not_actions),
      resources: list(s.resources),
      notResources: list(s.not_resources),
      principals: blocks(s.principals).map((pr) => ({ type: String(pr.type), ids: list(pr.identifiers) })),
      conditions: blocks(s.condition).map((c) => ({ operator: String(c.test), key: String(c.variable), values: list(c.values) })),
    })),
  };
}

/** A short name for a statement in messages: its Sid, or its position. */
export function statementLabel(s: PolicyStatementView): string {
  return s.sid ? `statement "${s.sid}"` : `statement #${s.index + 1}`;
}
