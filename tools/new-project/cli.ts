/**
 * `npm run new-project -- <name> [--from <example>]... [--stacks-dir <dir>]`: writes stacks/<name>/ (config.ts,
 * stack.ts, index.ts and <name>.test.ts) from one or more example projects. stacks/index.ts registers every folder
 * with an index.ts, so the new project is part of `npm run synth` and `npm test` at once.
 */
import * as path from 'node:path';
import { DEFAULT_EXAMPLE, scaffold, ScaffoldError } from './scaffold';

const USAGE = `usage: npm run new-project -- <name> [--from <example>]... [--stacks-dir <dir>]
  <name>        project folder, slug and stack-name prefix (lower-case, digits, dashes; at most 20 characters)
  --from        an example project under stacks/ to start from; repeat to combine several (default ${DEFAULT_EXAMPLE})
  --stacks-dir  the folder to write the project into (default stacks/; examples are always read from stacks/)\n`;

function main(argv: string[]): number {
  const from: string[] = [];
  let name: string | undefined;
  let stacksDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      return 0;
    } else if (arg === '--from' || arg === '--stacks-dir') {
      const value = argv[++i];
      if (!value || value.startsWith('--')) {
        process.stderr.write(`new-project: ${arg} needs a value\n${USAGE}`);
        return 2;
      }
      if (arg === '--from') from.push(value);
      else stacksDir = value;
    } else if (arg.startsWith('--')) {
      process.stderr.write(`new-project: unknown option ${arg}\n${USAGE}`);
      return 2;
    } else if (name === undefined) name = arg;
    else {
      process.stderr.write(`new-project: one project name only (got ${name} and ${arg}); use --from to combine examples\n`);
      return 2;
    }
  }
  if (!name) {
    process.stderr.write(`new-project: a project name is needed\n${USAGE}`);
    return 2;
  }
  try {
    const result = scaffold({ name, from, stacksDir });
    const rel = path.relative(process.cwd(), result.dir) || result.dir;
    // From several examples, each part has its own config; the top-level config.ts only re-exports them.
    const parts = result.files.filter((f) => f.endsWith('/config.ts'));
    const configs = parts.length ? parts : ['config.ts'];
    process.stdout.write(
      `wrote ${rel}/: ${result.files.join(', ')}\nstacks: ${result.stacks.join(', ')}\n` +
        `next: edit ${configs.map((f) => `${rel}/${f}`).join(', ')} (region, state bucket, CIDRs or your VPC, sizes), then npx jest ${rel} && npm run synth && npm run check\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof ScaffoldError) {
      process.stderr.write(`new-project: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
