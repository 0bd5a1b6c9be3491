import { Pool } from 'pg';
import { resolveDbConfig } from '../shared/db';
import { createLogger, Logger } from '../shared/logger';
import { createS3Client } from '../shared/s3';
import { loadConfig } from './config';
import { LoadError, toLoadError } from './errors';
import { ensureLedger } from './ledger';
import { LoadResult, loadObject, LoaderDeps } from './load';
import { decodeS3Key } from './routes';
import { eventObjects, LoaderEvent } from './events';
import { ObjectSource, S3ObjectSource } from './source';

export interface EventSummary {
  readonly results: LoadResult[];
}

export interface Loader {
  handle(event: LoaderEvent): Promise<EventSummary>;
  /** Ends the pool (tests, benchmarks). */
  close(): Promise<void>;
}

/**
 * Makes the `aws_s3` extension available for the server-side strategy. Creating it needs rds_superuser (the RDS
 * master user has it); teams that load with a less privileged user run templates/postgres/s3-import.sql once.
 */
async function ensureAwsS3Extension(pool: Pool): Promise<void> {
  const { rowCount } = await pool.query(
    `SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'aws_s3' AND p.proname = 'table_import_from_s3'`,
  );
  if (!rowCount) await pool.query('CREATE EXTENSION IF NOT EXISTS aws_s3 CASCADE');
}

/**
 * Everything created once per Lambda container: config, logger, S3 client, one-connection pool (the function's
 * reserved concurrency is its connection budget), the ledger. Initialisation is retried on the next event when it fails.
 */
export function createLoader(env: NodeJS.ProcessEnv = process.env, overrides: { source?: ObjectSource; logger?: Logger } = {}): Loader {
  const config = loadConfig(env);
  const logger = overrides.logger ?? createLogger({ service: 's3-to-postgres' });
  const source = overrides.source ?? new S3ObjectSource(createS3Client(env));
  let pool: Pool | undefined;
  let ready: Promise<LoaderDeps> | undefined;

  const init = async (): Promise<LoaderDeps> => {
    const db = await resolveDbConfig(env);
    pool = new Pool({ ...db, max: 1, idleTimeoutMillis: 0, keepAlive: true, connectionTimeoutMillis: 10_000, idle_in_transaction_session_timeout: 120_000 });
    pool.on('error', (err) => logger.warn('idle database connection dropped', { error: err }));
    await ensureLedger(pool, config.ledger);
    if (config.strategy === 'server-side') await ensureAwsS3Extension(pool);
    return { pool, source, routes: config.routes, strategy: config.strategy, ledger: config.ledger, region: config.region, lockTimeoutMs: config.lockTimeoutMs, logger };
  };

  return {
    async handle(event: LoaderEvent): Promise<EventSummary> {
      const objects = eventObjects(event);
      ready ??= init().catch(async (err) => {
        ready = undefined;
        const failed = pool;
        pool = undefined;
        await failed?.end().catch(() => undefined);
        throw err;
      });
      let deps: LoaderDeps;
      try {
        deps = await ready;
      } catch (err) {
        // Name the objects this invocation was for: the async retry and the on-failure destination show this message.
        const first = objects[0];
        let key = first?.rawKey ?? '?';
        try {
          if (first?.keyEncoding !== 'none') key = decodeS3Key(key);
        } catch {
          // keep the key as the event spelled it
        }
        throw toLoadError(err, { bucket: first?.bucket ?? '?', key });
      }
      const results: LoadResult[] = [];
      const failures: Error[] = [];
      // Records load one by one (one connection); a failure does not stop the others, then fails the invocation so
      // the async retry and the on-failure destination see it. Records already loaded are ledger hits on retry.
      for (const object of objects) {
        try {
          results.push(await loadObject(deps, object));
        } catch (err) {
          failures.push(err as Error);
        }
      }
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) {
        const err = new Error(`${failures.length} of ${objects.length} objects failed: ${failures.map((f) => f.message).join(' | ')}`);
        err.name = failures.every((f) => f instanceof LoadError && !f.retryable) ? 'LoadRejectedError' : 'LoadRetryableError';
        throw err;
      }
      return { results };
    },
    async close() {
      const open = pool;
      pool = undefined;
      ready = undefined;
      await open?.end();
    },
  };
}
