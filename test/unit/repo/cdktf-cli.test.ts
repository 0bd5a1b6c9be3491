import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

/**
 * `npx cdktf synth|diff|deploy` must work right after `npm ci`, with nothing downloaded at use time. The CLI runs
 * Terraform through a pseudo-terminal (`@cdktf/node-pty-prebuilt-multiarch`), whose install script would download a
 * binary; package.json's allowScripts keeps that script off, and the package's own prebuilds/ must serve this Node.
 */
describe('cdktf CLI (dev dependency)', () => {
  test('the pinned CLI answers with its version', () => {
    const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdktf'), ['--version'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' } });
    expect(r.stdout.trim().split('\n')[0]).toBe('0.21.0');
  });

  test('its pseudo-terminal loads from the shipped prebuild and runs a command', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pty = require('@cdktf/node-pty-prebuilt-multiarch') as { spawn: (file: string, args: string[], options: object) => { onData: (f: (d: string) => void) => void; onExit: (f: (e: { exitCode: number }) => void) => void } };
    const out = await new Promise<{ data: string; code: number }>((resolve) => {
      let data = '';
      const p = pty.spawn('echo', ['through the pty'], {});
      p.onData((d) => (data += d));
      p.onExit((e) => resolve({ data, code: e.exitCode }));
    });
    expect(out).toEqual({ data: expect.stringContaining('through the pty'), code: 0 });
  });
});
