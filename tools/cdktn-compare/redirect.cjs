/**
 * Preloaded with `node --require` before tsx by tools/cdktn-compare/compare.ts: every request for `cdktf` (and
 * `cdktf/...`), `@cdktf/provider-aws/...` and `constructs` resolves inside the cdktn install instead
 * ($KIT_CDKTN_DIR/node_modules), so the project's unchanged sources synthesize with CDK Terrain. One copy of each of
 * the three packages is loaded: the fork's provider bindings import `cdktn` and `constructs` from the same folder.
 * Every redirected request is counted and written to $KIT_CDKTN_REDIRECT_LOG at exit, so the comparison can prove that
 * nothing loaded the original packages.
 */
'use strict';
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');

const modulesDir = process.env.KIT_CDKTN_MODULES;
if (!modulesDir) throw new Error('redirect.cjs: KIT_CDKTN_MODULES (the cdktn install node_modules folder) is not set');
const fromDir = path.join(modulesDir, 'noop.js'); // resolve as if required from a file inside the cdktn install

/** The request the fork answers for `request`, or undefined when it is not one of the three packages. */
function redirect(request) {
  if (request === 'cdktf') return 'cdktn';
  if (request.startsWith('cdktf/')) return 'cdktn/' + request.slice('cdktf/'.length);
  if (request === '@cdktf/provider-aws' || request.startsWith('@cdktf/provider-aws/')) {
    return '@cdktn/provider-aws' + request.slice('@cdktf/provider-aws'.length);
  }
  if (request === 'constructs' || request.startsWith('constructs/')) return request;
  return undefined;
}

const counts = {};
const original = Module._resolveFilename;
Module._resolveFilename = function resolveFilename(request, parent, isMain, options) {
  const target = redirect(request);
  if (target === undefined) return original.call(this, request, parent, isMain, options);
  counts[request.split('/lib/')[0]] = (counts[request.split('/lib/')[0]] ?? 0) + 1;
  return original.call(this, target, { id: fromDir, filename: fromDir, paths: Module._nodeModulePaths(modulesDir) }, isMain);
};

process.on('exit', () => {
  const out = process.env.KIT_CDKTN_REDIRECT_LOG;
  if (!out) return;
  // Which files of the original packages ended up loaded anyway (must be none).
  const leaked = Object.keys(require.cache).filter((f) =>
    /[\\/]node_modules[\\/](cdktf|@cdktf[\\/]provider-aws|constructs)[\\/]/.test(f) && !f.startsWith(modulesDir));
  fs.writeFileSync(out, JSON.stringify({ redirected: counts, leaked }, null, 2));
});

module.exports = { redirect };
