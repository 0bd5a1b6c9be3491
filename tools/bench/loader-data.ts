import * as fs from 'node:fs';
import { once } from 'node:events';

/** Columns of the benchmark table, in file order. */
export const BENCH_COLUMNS = ['id', 'name', 'email', 'amount', 'created_at', 'note'] as const;

export const BENCH_TABLE_DDL = (table: string) => `
  CREATE TABLE ${table} (
    id          bigint NOT NULL,
    name        text NOT NULL,
    email       text,
    amount      numeric(12,2),
    created_at  timestamptz,
    note        text
  )`;

/** A small deterministic PRNG (mulberry32), so every run loads the same bytes. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['Ada', 'Grace', 'Alan', 'Katherine', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Zoë', 'José'];

/**
 * Writes a CSV with a header and `rows` rows (~75 bytes each): integers, text with quoted commas and quotes, NULLs,
 * numerics, timestamps, and one value in 50 spanning two lines. Returns the file size in bytes.
 */
export async function writeBenchCsv(file: string, rows: number, seed = 42): Promise<number> {
  const rnd = prng(seed);
  const out = fs.createWriteStream(file);
  out.write(BENCH_COLUMNS.join(',') + '\n');
  const base = Date.UTC(2020, 0, 1);
  let batch: string[] = [];
  for (let i = 1; i <= rows; i++) {
    const name = NAMES[Math.floor(rnd() * NAMES.length)];
    const r = rnd();
    const email = r < 0.1 ? '' : `${name.toLowerCase()}.${i}@example.org`;
    const amount = (rnd() * 100000).toFixed(2);
    const created = new Date(base + Math.floor(rnd() * 1.5e11)).toISOString();
    const note = r > 0.98 ? '"first line\nsecond line"' : r > 0.7 ? `"note, with comma and ""quotes"" ${i}"` : `plain note ${i}`;
    batch.push(`${i},${name},${email},${amount},${created},${note}`);
    if (batch.length === 5000 || i === rows) {
      if (!out.write(batch.join('\n') + '\n')) await once(out, 'drain');
      batch = [];
    }
  }
  out.end();
  await once(out, 'finish');
  return fs.statSync(file).size;
}
