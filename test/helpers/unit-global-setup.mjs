// cdktf's Testing writes an outdir per synth under os.tmpdir(); jest.config.js points TMPDIR at .build/tmp so
// they stay inside the project. Each run starts by removing the previous run's folders.
import fs from 'node:fs';

export default async function unitGlobalSetup() {
  const tmp = process.env.TMPDIR;
  if (!tmp || !tmp.endsWith('.build/tmp')) return;
  for (const entry of fs.existsSync(tmp) ? fs.readdirSync(tmp) : []) {
    if (entry.startsWith('cdktf.outdir.')) fs.rmSync(`${tmp}/${entry}`, { recursive: true, force: true });
  }
}
