import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { Pool } from 'pg';
import { resolveDbConfig } from '../shared/db';
import { createLogger } from '../shared/logger';
import { loadConfig } from './config';
import { processRecords } from './core';
import { PgChangeStore } from './store';

const config = loadConfig(process.env);
const log = createLogger({ service: 'stream-to-postgres' });
let store: Promise<PgChangeStore> | undefined;

/** One connection per instance (batches of a shard are sequential); UTC so zone-less timestamps mean UTC. */
function getStore(): Promise<PgChangeStore> {
  store ??= resolveDbConfig()
    .then((db) => {
      const pool = new Pool({ ...db, max: 1, options: '-c TimeZone=UTC' });
      // An idle connection closed between invocations (failover, idle timeout) must not crash the runtime.
      pool.on('error', (error) => log.warn('idle database connection closed; the next batch reconnects', { error }));
      return new PgChangeStore(pool, config.mappings, log);
    })
    .catch((err) => {
      store = undefined;
      throw err;
    });
  return store;
}

/** Kinesis batches, or `{ "action": "ensure-schema" }` (invoked once by Terraform) to create the tables. */
export async function handler(event: KinesisStreamEvent | { action: 'ensure-schema' }): Promise<KinesisStreamBatchResponse | { tables: string[] }> {
  if ('action' in event) {
    if (event.action !== 'ensure-schema') throw new Error(`unknown action ${JSON.stringify(event.action)}`);
    return { tables: await (await getStore()).ensureSchema() };
  }
  return processRecords(event.Records, { ...config, store: await getStore(), log });
}
