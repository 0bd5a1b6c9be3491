import { z } from 'zod';
import { Instant, parseInstant, TableIndex } from './records';
import { parseTableConfig, TableMapping } from './table-config';

export interface StreamConfig {
  readonly tables: TableIndex;
  readonly mappings: readonly TableMapping[];
  readonly highWaterMark?: Instant;
}

const envSchema = z.object({
  /** JSON array of table mappings (see table-config.ts). */
  TABLE_CONFIG: z.string().min(2, 'TABLE_CONFIG must be the JSON table mapping list'),
  /** ISO-8601 commit time the full load covers; changes at or before it are skipped. */
  HIGH_WATER_MARK: z.string().optional(),
});

/** Parses the Lambda's configuration once at cold start; throws with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv): StreamConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`stream-to-postgres config: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  let raw: unknown;
  try {
    raw = JSON.parse(parsed.data.TABLE_CONFIG);
  } catch {
    throw new Error('stream-to-postgres config: TABLE_CONFIG is not valid JSON');
  }
  const mappings = parseTableConfig(raw);
  let highWaterMark: Instant | undefined;
  if (parsed.data.HIGH_WATER_MARK) {
    highWaterMark = parseInstant(parsed.data.HIGH_WATER_MARK);
    if (!highWaterMark) throw new Error(`stream-to-postgres config: HIGH_WATER_MARK ${JSON.stringify(parsed.data.HIGH_WATER_MARK)} is not an ISO-8601 timestamp`);
  }
  return { tables: new TableIndex(mappings), mappings, highWaterMark };
}
