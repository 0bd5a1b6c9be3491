import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { resolveDbConfig } from '../shared/db';
import { createLogger } from '../shared/logger';
import { loadConfig } from './config';
import { processRecords } from './core';
import { createPgChangeStore, PgChangeStore } from './store';

const config = loadConfig(process.env);
const log = createLogger({ service: 'stream-to-postgres' });
let store: Promise<PgChangeStore> | undefined;

function getStore(): Promise<PgChangeStore> {
  store ??= resolveDbConfig()
    .then((db) => createPgChangeStore(db, config.mappings, log))
    .catch((err) => {
      store = undefined; // retry the secret lookup on the next invocation
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
