import { z } from 'zod';
import { DEFAULT_LEDGER, LedgerName } from './ledger';
import { resolveRoutes, ResolvedRoute, splitTableName } from './routes';
import type { LoadStrategy } from './load';

/**
 * The Lambda's configuration, parsed once at cold start. Database settings are read separately by
 * `resolveDbConfig` (DB_SECRET_ARN, else the libpq variables); S3 by `createS3Client`.
 */
export interface LoaderConfig {
  readonly routes: ResolvedRoute[];
  readonly strategy: LoadStrategy;
  readonly ledger: LedgerName;
  readonly region: string;
  /** How long a load waits for a table lock held by another session (TRUNCATE needs an exclusive one). */
  readonly lockTimeoutMs: number;
}

const schema = z.object({
  TABLE_ROUTES: z.string({ required_error: 'TABLE_ROUTES is required: JSON like [{"prefix":"people/","table":"public.people","mode":"replace"}]' }),
  LOAD_STRATEGY: z.enum(['stream', 'server-side']).default('stream'),
  LEDGER_TABLE: z.string().default(`${DEFAULT_LEDGER.schema}.${DEFAULT_LEDGER.name}`),
  AWS_REGION: z.string().default('us-east-1'),
  LOCK_TIMEOUT_MS: z.coerce.number().int().min(100).max(900_000).default(60_000),
});

/** Parses and validates the environment; throws one error naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): LoaderConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`s3-to-postgres configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  let routesJson: unknown;
  try {
    routesJson = JSON.parse(parsed.data.TABLE_ROUTES);
  } catch {
    throw new Error('s3-to-postgres configuration: TABLE_ROUTES is not valid JSON');
  }
  const ledger = parsed.data.LEDGER_TABLE.includes('.') ? splitTableName(parsed.data.LEDGER_TABLE) : undefined;
  if (!ledger) throw new Error(`s3-to-postgres configuration: LEDGER_TABLE "${parsed.data.LEDGER_TABLE}" must be schema.table`);
  return {
    routes: resolveRoutes(routesJson),
    strategy: parsed.data.LOAD_STRATEGY,
    ledger,
    region: parsed.data.AWS_REGION,
    lockTimeoutMs: parsed.data.LOCK_TIMEOUT_MS,
  };
}
