import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * With secrets_manager_arn set, DMS connects to the host and port stored in the secret (DMS User Guide, "Using
 * secrets to access AWS DMS endpoints"): every login secret a runbook or README tells an operator to store must
 * carry them, not only username and password.
 */
const ROOT = path.resolve(__dirname, '../../..');

function files(dir: string, ext: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext))
    .map((f) => path.join(dir, f));
}

const DOCS = [...files('templates', '.sql'), ...files('templates', '.md'), ...files('modules', '.md'), ...files('stacks', '.ts')];

describe('documented DMS login secrets', () => {
  const examples = DOCS.flatMap((file) =>
    [...fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(/--secret-string '(\{[^']*\})'/g)].map((m) => [file, m[1]] as const),
  );

  test('the runbooks show at least one put-secret-value example', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  test.each(examples)('%s: the secret example carries username, password, host and port', (_file, json) => {
    const secret = JSON.parse(json) as Record<string, unknown>;
    expect(Object.keys(secret)).toEqual(expect.arrayContaining(['username', 'password', 'host', 'port']));
  });

  test('the source endpoint READMEs describe the secret with host and port', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'modules/dms-migration/README.md'), 'utf8');
    for (const construct of ['SqlServerSourceEndpoint', 'MySqlSourceEndpoint', 'PostgresSourceEndpoint']) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${construct}\``));
      expect(row).toMatch(/secret `\{username, password, host, port/);
    }
  });
});
