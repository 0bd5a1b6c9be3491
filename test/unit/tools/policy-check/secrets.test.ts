import { checkStack } from '../../../../tools/policy-check/engine';
import { RULES } from '../../../../tools/policy-check/rules';
import { findingsOf, messagesOf, Resources } from './helpers';

describe('secret rules', () => {
  describe('SSM-SECURESTRING', () => {
    test('passes secret-looking parameters stored as SecureString and plain config as String', () => {
      expect(findingsOf('SSM-SECURESTRING', { aws_ssm_parameter: { p: { name: '/app/db-password', type: 'SecureString', value: '${var.x}' } } })).toEqual([]);
      expect(findingsOf('SSM-SECURESTRING', { aws_ssm_parameter: { p: { name: '/app/table-routes', type: 'String', value: '{}' } } })).toEqual([]);
    });

    test.each([
      ['/app/db-password', 'String'],
      ['/app/api_key', undefined],
      ['/app/source/connection-string', 'StringList'],
    ])('fails when %s is %s', (name, type) => {
      expect(messagesOf('SSM-SECURESTRING', { aws_ssm_parameter: { p: { name, ...(type ? { type } : {}), value: 'v' } } })).toMatch(
        new RegExp(`parameter ${name} looks secret but type is ${type ? `"${type}"` : 'absent'} -> set type = "SecureString"`),
      );
    });
    // The words that make a parameter secret, each spelling the regex allows, in any case.
    test.each(['/app/passwd', '/app/client-secret', '/app/jwt-token', '/app/credentials', '/app/private-key', '/app/private_key', '/app/privatekey', '/app/apikey', '/app/api-key', '/app/connectionstring', '/app/connection_string', '/app/DB_PASSWORD'])(
      'a parameter named %s is secret',
      (name) => {
        expect(findingsOf('SSM-SECURESTRING', { aws_ssm_parameter: { p: { name, type: 'String', value: 'v' } } })).toHaveLength(1);
      },
    );

    test('a parameter described as secret is secret, whatever its name; a token name is reported by its resource name', () => {
      expect(messagesOf('SSM-SECURESTRING', { aws_ssm_parameter: { p: { name: '/app/source', description: 'Source database password', type: 'String', value: 'v' } } })).toMatch(/parameter \/app\/source looks secret/);
      expect(messagesOf('SSM-SECURESTRING', { aws_ssm_parameter: { cfg: { name: '${var.n}', description: 'Partner API token', type: 'String', value: 'v' } } })).toMatch(/parameter cfg looks secret but type is "String"/);
    });
  });

  describe('SECRETS-ROTATION', () => {
    const secret: Resources = { aws_secretsmanager_secret: { s: { name: 'demo-staging-source', kms_key_id: '${aws_kms_key.k.arn}' } } };

    test('passes a secret with a rotation resource', () => {
      expect(findingsOf('SECRETS-ROTATION', { ...secret, aws_secretsmanager_secret_rotation: { r: { secret_id: '${aws_secretsmanager_secret.s.id}', rotation_lambda_arn: 'x', rotation_rules: { automatically_after_days: 30 } } } })).toEqual([]);
    });

    test('a rotation naming the secret by its literal name counts', () => {
      expect(findingsOf('SECRETS-ROTATION', { ...secret, aws_secretsmanager_secret_rotation: { r: { secret_id: 'demo-staging-source', rotation_lambda_arn: 'x' } } })).toEqual([]);
    });

    test('fails when no rotation refers to the secret', () => {
      expect(messagesOf('SECRETS-ROTATION', secret)).toMatch(/aws_secretsmanager_secret.s: no aws_secretsmanager_secret_rotation refers to this secret -> .*or waive SECRETS-ROTATION/);
    });
  });

  describe('NO-PLAINTEXT-SECRET', () => {
    test('passes write-only values, secret ARNs and generated values in secret_string', () => {
      const resources: Resources = {
        aws_secretsmanager_secret_version: {
          wo: { secret_id: 'x', secret_string_wo: '${jsonencode({"password" = ephemeral.random_password.p.result})}', secret_string_wo_version: 1 },
          generated: { secret_id: 'x', secret_string: '${random_password.p.result}' },
        },
        aws_db_instance: { db: { manage_master_user_password: true, password_wo: '${ephemeral.random_password.p.result}' } },
      };
      expect(findingsOf('NO-PLAINTEXT-SECRET', resources)).toEqual([]);
    });

    test.each([
      ['a literal secret_string', { aws_secretsmanager_secret_version: { v: { secret_id: 'x', secret_string: '{"password":"hunter2"}' } } }, /aws_secretsmanager_secret_version.v: secret_string holds a literal secret value \(hidden here\)/],
      ['a literal password nested in a block', { aws_mq_broker: { b: { user: [{ username: 'u', password: 'hunter2hunter2' }] } } }, /user.0.password holds a literal secret value/],
      ['a password from a token (state)', { aws_db_instance: { db: { password: '${random_password.p.result}' } } }, /password is set from an expression resolved only at plan.*; the value lands in Terraform state/],
      ['a literal master_password', { aws_rds_cluster: { c: { master_password: 'changeme123' } } }, /master_password holds a literal secret value/],
    ])('fails on %s', (_, resources, message) => {
      expect(messagesOf('NO-PLAINTEXT-SECRET', resources as Resources)).toMatch(message);
    });

    test('a literal secret_binary is a secret; Terraform comments ("//") are not read', () => {
      expect(messagesOf('NO-PLAINTEXT-SECRET', { aws_secretsmanager_secret_version: { v: { secret_id: 'x', secret_binary: 'aHVudGVyMg==' } } })).toMatch(/secret_binary holds a literal secret value/);
      expect(findingsOf('NO-PLAINTEXT-SECRET', { aws_db_instance: { db: { manage_master_user_password: true, '//': { password: 'documented' } } } })).toEqual([]);
    });

    test('names the path of a literal inside nested blocks and lists, and reports each', () => {
      const findings = findingsOf('NO-PLAINTEXT-SECRET', { aws_mq_broker: { b: { user: [{ username: 'a', password: 'one-secret-1' }, { username: 'b', password: 'two-secret-2' }] } } });
      expect(findings.map((f) => f.message)).toEqual(['user.0.password holds a literal secret value (hidden here)', 'user.1.password holds a literal secret value (hidden here)']);
      expect(findings[0].fix).toMatch(/let the service manage the secret \(manage_master_user_password\) or reference Secrets Manager/);
    });

    test('a secret_string from an expression is not a finding (only passwords from expressions land in state this way)', () => {
      expect(findingsOf('NO-PLAINTEXT-SECRET', { aws_secretsmanager_secret_version: { v: { secret_id: 'x', secret_string: '${random_password.p.result}' } } })).toEqual([]);
      expect(messagesOf('NO-PLAINTEXT-SECRET', { aws_rds_cluster: { c: { master_password: '${random_password.p.result}' } } })).toMatch(
        /master_password is set from an expression .*; the value lands in Terraform state -> use manage_master_user_password, a write-only \*_wo attribute, or secrets_manager_arn/,
      );
    });

    test('an empty or null password is not a value', () => {
      expect(findingsOf('NO-PLAINTEXT-SECRET', { aws_db_instance: { db: { password: '', master_password: null } } })).toEqual([]);
    });

    test('never prints the secret value', () => {
      const out = messagesOf('NO-PLAINTEXT-SECRET', { aws_secretsmanager_secret_version: { v: { secret_string: 'hunter2-very-secret' } } });
      expect(out).not.toContain('hunter2');
    });
  });
});

describe('NO-PLAINTEXT-SECRET outside resources', () => {
  test.each([
    ['a provider access key', { provider: { aws: [{ region: 'eu-west-2', access_key: 'AKIAABCDEFGHIJKLMNOP', secret_key: 'abc/def' }] } }, /provider.aws: 0.access_key holds a literal secret value[\s\S]*provider.aws: 0.secret_key holds/],
    ['a backend secret key', { terraform: { backend: { s3: { bucket: 'b', secret_key: 'abc' } } } }, /terraform.backend.s3: secret_key holds a literal secret value/],
    ['a password in locals', { locals: { db_password: 'hunter2' } }, /locals: db_password holds a literal secret value/],
    ['a variable default', { variable: { master_password: { type: 'string', default: 'hunter2' } } }, /variable.master_password: default holds a literal secret value/],
  ])('fails on %s', (_, json, message) => {
    const result = checkStack('demo-staging', json as never, RULES.filter((r) => r.id === 'NO-PLAINTEXT-SECRET'));
    const text = result.findings.map((f) => `${f.address}: ${f.message}`).join('\n');
    expect(text).toMatch(message);
    expect(text).not.toMatch(/hunter2|AKIAABCDEFGHIJKLMNOP/);
  });

  test('a literal password in a data source is a finding', () => {
    const json = { data: { external: { lookup: { program: ['x'], query: { db_password: 'hunter2' } } } } };
    const text = checkStack('demo-staging', json as never, RULES.filter((r) => r.id === 'NO-PLAINTEXT-SECRET')).findings.map((f) => `${f.address}: ${f.message}`);
    expect(text).toEqual(['data.external.lookup: query.db_password holds a literal secret value (hidden here)']);
  });

  test('names the variable whose default is a secret by its name alone, and tells how to pass it instead', () => {
    const json = { variable: { api_key: { type: 'string', default: 'abc123' }, region: { type: 'string', default: 'eu-west-2' }, db_password: { type: 'string', default: '${var.x}' } } };
    const findings = checkStack('demo-staging', json as never, RULES.filter((r) => r.id === 'NO-PLAINTEXT-SECRET')).findings;
    expect(findings.map((f) => `${f.address}: ${f.message} -> ${f.fix}`)).toEqual([
      'variable.api_key: default holds a literal secret value (hidden here) -> remove the default; pass the value at plan time (sensitive, ephemeral) or read it from Secrets Manager',
    ]);
  });

  test('keys that only start or end like a secret key are not secrets; empty values are not values', () => {
    const json = { locals: { password_length: '32', token_url: 'https://example.com/token', retoken: 'x', password: '' }, provider: { aws: [{ region: 'eu-west-2', token: '' }] } };
    expect(checkStack('demo-staging', json as never, RULES.filter((r) => r.id === 'NO-PLAINTEXT-SECRET')).findings).toEqual([]);
  });

  test('a literal provider token and an ..._password local are reported with how to remove them', () => {
    const json = { provider: { aws: [{ region: 'eu-west-2', token: 'IQoJb3JpZ2luX2VjE' }] }, locals: { admin_password: 'x1' } };
    const findings = checkStack('demo-staging', json as never, RULES.filter((r) => r.id === 'NO-PLAINTEXT-SECRET')).findings;
    expect(findings.map((f) => `${f.address}: ${f.message} -> ${f.fix}`)).toEqual([
      'provider.aws: 0.token holds a literal secret value (hidden here) -> remove it: credentials come from the environment (AWS profile, role) and secrets from Secrets Manager',
      'locals: admin_password holds a literal secret value (hidden here) -> remove it: credentials come from the environment (AWS profile, role) and secrets from Secrets Manager',
    ]);
  });

  test('a secret-named variable with an empty or non-string default, or a non-string secret-named local, is not a literal secret', () => {
    const json = { variable: { db_password: { type: 'string', default: '' }, api_token_ttl: { type: 'number', default: 3600 } }, locals: { token: 42 } };
    expect(checkStack('demo-staging', json as never, RULES.filter((r) => r.id === 'NO-PLAINTEXT-SECRET')).findings).toEqual([]);
  });

  test('a literal under a secret-named key is found inside a non-string block too', () => {
    const json = { locals: { token: { password: 'hunter2' } } };
    expect(checkStack('demo-staging', json as never, RULES.filter((r) => r.id === 'NO-PLAINTEXT-SECRET')).findings.map((f) => `${f.address}: ${f.message}`)).toEqual([
      'locals: token.password holds a literal secret value (hidden here)',
    ]);
  });

  test('a literal secret inside an object default of a variable is named by the variable and its path', () => {
    const json = { variable: { db: { type: 'object', default: { host: 'db.internal', password: 'hunter2' } }, tags: { type: 'map', default: { team: 'data' } } } };
    const findings = checkStack('demo-staging', json as never, RULES.filter((r) => r.id === 'NO-PLAINTEXT-SECRET')).findings;
    expect(findings.map((f) => `${f.address}: ${f.message}`)).toEqual(['variable.db: default.password holds a literal secret value (hidden here)']);
  });

  test('Terraform comments ("//") in providers and locals are not read, as in resources; the keys beside them are', () => {
    const json = { provider: { aws: [{ region: 'eu-west-2', '//': { token: 'documented' } }] }, locals: { '//': { db_password: 'documented' }, admin_password: 'x1' } };
    const findings = checkStack('demo-staging', json as never, RULES.filter((r) => r.id === 'NO-PLAINTEXT-SECRET')).findings;
    expect(findings.map((f) => `${f.address}: ${f.message}`)).toEqual(['locals: admin_password holds a literal secret value (hidden here)']);
  });

  test('passes references and tokens in providers and locals', () => {
    const json = { provider: { aws: [{ region: 'eu-west-2', assume_role: [{ role_arn: 'arn:aws:iam::1:role/deploy' }] }] }, locals: { db_password: '${ephemeral.random_password.p.result}' } };
    expect(checkStack('demo-staging', json as never, RULES.filter((r) => r.id === 'NO-PLAINTEXT-SECRET')).findings).toEqual([]);
  });
});

describe('SECRETS-CMK', () => {
  test('passes a secret with a customer managed key (a reference counts)', () => {
    expect(findingsOf('SECRETS-CMK', { aws_secretsmanager_secret: { s: { name: 'x', kms_key_id: '${aws_kms_key.k.arn}' } } })).toEqual([]);
  });
  test.each([
    ['no key (aws/secretsmanager)', {}, /kms_key_id is not set/],
    ['an empty key', { kms_key_id: '' }, /kms_key_id is not set/],
  ])('fails with %s', (_, attrs, message) => {
    expect(messagesOf('SECRETS-CMK', { aws_secretsmanager_secret: { s: { name: 'x', ...attrs } } })).toMatch(message);
  });
});

describe('KMS-ROTATION', () => {
  test('passes a rotating symmetric key and an asymmetric key (AWS cannot rotate those)', () => {
    expect(findingsOf('KMS-ROTATION', { aws_kms_key: { a: { enable_key_rotation: true }, b: { customer_master_key_spec: 'RSA_2048' } } })).toEqual([]);
  });
  test.each([
    ['rotation absent', {}, /aws_kms_key.k: enable_key_rotation is absent; must be the literal true/],
    ['rotation off', { enable_key_rotation: false }, /enable_key_rotation is false/],
    ['rotation from an expression', { enable_key_rotation: '${var.rotate}' }, /an expression resolved only at plan/],
    ['a symmetric key spec named explicitly', { customer_master_key_spec: 'SYMMETRIC_DEFAULT' }, /enable_key_rotation is absent/],
  ])('fails with %s', (_, attrs, message) => {
    expect(messagesOf('KMS-ROTATION', { aws_kms_key: { k: attrs } })).toMatch(message);
  });
});
