import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildLambdaZip, REPO_ROOT } from '../../../modules/core/bundle';

/**
 * `npm run review -- --base` synthesizes the base revision in a git worktree whose node_modules is a symlink to the
 * main checkout's. The same code must give byte-identical zips there, or every Lambda shows a code change.
 */
describe('Lambda bundles do not depend on where the checkout is', () => {
  let other: string;
  beforeAll(() => {
    other = fs.mkdtempSync(path.join(os.tmpdir(), 'other-checkout-'));
    fs.cpSync(path.join(REPO_ROOT, 'lambdas'), path.join(other, 'lambdas'), { recursive: true });
    for (const f of ['package.json', 'tsconfig.json']) fs.copyFileSync(path.join(REPO_ROOT, f), path.join(other, f));
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(other, 'node_modules'));
  });
  afterAll(() => fs.rmSync(other, { recursive: true, force: true }));

  test.each(['s3-to-postgres', 'stream-to-postgres'])('%s: same bytes from another path whose node_modules is a symlink', (name) => {
    const zipAt = (root: string) => buildLambdaZip(root, path.join(root, 'lambdas', name, 'handler.ts'), path.join(root, '.build', 'lambdas', name));
    const here = zipAt(REPO_ROOT);
    const there = zipAt(other);
    expect(there.length).toBe(here.length);
    expect(there.equals(here)).toBe(true);
  });
});
