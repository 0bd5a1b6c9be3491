/**
 * The cdktf App: every example project under stacks/ registers its stacks here (see stacks/index.ts).
 * `npm run synth` runs this file with tsx and writes cdktf.out/ (no cdktf CLI needed).
 */
import { App } from './modules/core';
import { registerExampleProjects } from './stacks';

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out', skipValidation: false });
const names = registerExampleProjects(app);
app.synth();
const peakMiB = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(`synthesized ${names.length} stacks into ${app.outdir} (peak memory ${peakMiB} MiB): ${names.join(', ')}\n`);
