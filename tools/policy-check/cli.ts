/**
 * `npm run check [-- --dir cdktf.out] [--stack <name>]... [--json]`: evaluates POLICY_RULES.md over every
 * synthesized stack. Exit 0 when clean, 1 on any unwaived violation or waiver error, 2 when there is nothing to check.
 */
import * as path from 'node:path';
import { checkStack, failureCount, formatResults } from './engine';
import { loadStacks } from './tf';

interface Options {
  dir: string;
  stacks: string[];
  json: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { dir: process.env.CDKTF_OUTDIR ?? 'cdktf.out', stacks: [], json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dir') options.dir = argv[++i];
    else if (arg === '--stack') options.stacks.push(argv[++i]);
    else if (arg === '--json') options.json = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: npm run check -- [--dir cdktf.out] [--stack <name>]... [--json]\n');
      process.exit(0);
    } else {
      process.stderr.write(`policy-check: unknown argument ${arg} (try --help)\n`);
      process.exit(2);
    }
  }
  return options;
}

function main(): number {
  const options = parseArgs(process.argv.slice(2));
  let stacks = loadStacks(options.dir);
  if (options.stacks.length) {
    const unknown = options.stacks.filter((s) => !stacks.some((x) => x.name === s));
    if (unknown.length) {
      process.stderr.write(`policy-check: no synthesized stack named ${unknown.join(', ')} in ${options.dir} (have: ${stacks.map((s) => s.name).join(', ') || 'none'})\n`);
      return 2;
    }
    stacks = stacks.filter((s) => options.stacks.includes(s.name));
  }
  if (!stacks.length) {
    process.stderr.write(`policy-check: no stacks in ${path.resolve(options.dir)}/stacks/*/cdk.tf.json. Run \`npm run synth\` first.\n`);
    return 2;
  }
  const results = stacks.map((s) => checkStack(s.name, s.json));
  if (options.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else process.stdout.write(`${formatResults(results)}\n`);
  return failureCount(results) > 0 ? 1 : 0;
}

process.exitCode = main();
