import { found, mustBe, mustBeSet, Rule, StackViolation, violation, Violation } from '../rule';
import { isToken, literalString, StackIndex } from '../tf';

const SECRET_NAME = /(password|passwd|secret|token|credential|private[-_]?key|api[-_]?key|connection[-_]?string)/i;
/** Attribute names whose literal value is a secret. */
const SECRET_ATTRS = new Set(['password', 'master_password', 'secret_string', 'secret_binary']);

/** Every (path, value) of attributes named like secrets inside a resource, nested blocks included. */
function secretAttributes(value: unknown, path: string[] = []): Array<{ path: string; key: string; value: unknown }> {
  if (Array.isArray(value)) return value.flatMap((v, i) => secretAttributes(v, [...path, String(i)]));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => {
    if (k === '//') return [];
    if (SECRET_ATTRS.has(k)) return [{ path: [...path, k].join('.'), key: k, value: v }];
    return secretAttributes(v, [...path, k]);
  });
}

/** Outside resources, credentials can also sit in provider and backend blocks (`access_key`, `secret_key`, `token`). */
const STACK_SECRET_KEY = /^(password|master_password|secret_string|secret_binary|secret_key|access_key|token|[a-z_]*_password)$/;

function literalSecretsOutsideResources(stack: StackIndex): StackViolation[] {
  const out: StackViolation[] = [];
  const visit = (value: unknown, address: string, path: string[]) => {
    if (Array.isArray(value)) return value.forEach((v, i) => visit(v, address, [...path, String(i)]));
    if (!value || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value)) {
      if (k === '//') continue;
      if (STACK_SECRET_KEY.test(k) && typeof v === 'string' && v !== '' && !isToken(v)) {
        out.push({ address, ...violation(`${[...path, k].join('.')} holds a literal secret value (hidden here)`, 'remove it: credentials come from the environment (AWS profile, role) and secrets from Secrets Manager') });
      } else {
        visit(v, address, [...path, k]);
      }
    }
  };
  const json = stack.json as Record<string, unknown>;
  for (const [name, blocks] of Object.entries((json.provider as Record<string, unknown>) ?? {})) visit(blocks, `provider.${name}`, []);
  const terraform = (json.terraform as Record<string, unknown>) ?? {};
  for (const [name, backend] of Object.entries((terraform.backend as Record<string, unknown>) ?? {})) visit(backend, `terraform.backend.${name}`, []);
  visit(json.locals, 'locals', []);
  for (const [name, variable] of Object.entries((json.variable as Record<string, unknown>) ?? {})) {
    const v = (variable ?? {}) as Record<string, unknown>;
    if ((STACK_SECRET_KEY.test(name) || SECRET_NAME.test(name)) && typeof v.default === 'string' && v.default !== '' && !isToken(v.default)) {
      out.push({ address: `variable.${name}`, ...violation('default holds a literal secret value (hidden here)', 'remove the default; pass the value at plan time (sensitive, ephemeral) or read it from Secrets Manager') });
    }
    visit(variable, `variable.${name}`, []);
  }
  for (const r of stack.resources.filter((x) => x.data)) visit(r.attrs, r.address, []);
  return out;
}

export const secretRules: Rule[] = [
  {
    id: 'SSM-SECURESTRING',
    summary: 'anything secret is SecureString',
    types: ['aws_ssm_parameter'],
    check: (p) => {
      const name = literalString(p.attrs.name) ?? '';
      const secret = SECRET_NAME.test(name) || SECRET_NAME.test(String(p.attrs.description ?? ''));
      return secret && p.attrs.type !== 'SecureString'
        ? [violation(`parameter ${name || p.name} looks secret but type is ${found(p.attrs.type)}`, 'set type = "SecureString" (with key_id), or keep the value in Secrets Manager')]
        : [];
    },
  },
  {
    id: 'SECRETS-ROTATION',
    summary: 'rotation configured, or a documented waiver',
    types: ['aws_secretsmanager_secret'],
    check: (s, { stack }) =>
      stack.referencing('aws_secretsmanager_secret_rotation', 'secret_id', s, 'name').length
        ? []
        : [violation('no aws_secretsmanager_secret_rotation refers to this secret', 'add an aws_secretsmanager_secret_rotation (rotation Lambda + schedule), or waive SECRETS-ROTATION for this secret with the reason')],
  },
  {
    // Found by checkov (CKV_AWS_149) before this project had the rule. A secret under the AWS-managed key cannot be
    // shared with another account, and its key policy cannot be reviewed here.
    id: 'SECRETS-CMK',
    summary: 'secrets are encrypted with a customer managed key',
    types: ['aws_secretsmanager_secret'],
    check: (s) => {
      const missing = mustBeSet(s.attrs, 'kms_key_id', 'set kms_key_id to a customer managed key (newKmsKey in modules/core); the default aws/secretsmanager key cannot be granted to other accounts');
      return missing ? [missing] : [];
    },
  },
  {
    // Found by checkov (CKV_AWS_7) before this project had the rule.
    id: 'KMS-ROTATION',
    summary: 'customer managed symmetric keys rotate yearly',
    types: ['aws_kms_key'],
    check: (k) => {
      const spec = literalString(k.attrs.customer_master_key_spec);
      // AWS rotates only symmetric encryption keys (https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html).
      if (spec !== undefined && spec !== 'SYMMETRIC_DEFAULT') return [];
      const wrong = mustBe(k.attrs, 'enable_key_rotation', true, 'set enable_key_rotation = true (newKmsKey in modules/core does)');
      return wrong ? [wrong] : [];
    },
  },
  {
    id: 'NO-PLAINTEXT-SECRET',
    summary: 'no literal password/secret_string value anywhere in the JSON',
    types: ['*'],
    check: (r): Violation[] =>
      secretAttributes(r.attrs).flatMap(({ path, key, value }) => {
        if (value === undefined || value === null || value === '') return [];
        if (!isToken(value)) return [violation(`${path} holds a literal secret value (hidden here)`, 'remove it; let the service manage the secret (manage_master_user_password) or reference Secrets Manager')];
        if (key === 'password' || key === 'master_password') {
          return [violation(`${path} is set from ${found(value)}; the value lands in Terraform state`, 'use manage_master_user_password, a write-only *_wo attribute, or secrets_manager_arn')];
        }
        return [];
      }),
    checkStack: ({ stack }) => literalSecretsOutsideResources(stack),
  },
];
