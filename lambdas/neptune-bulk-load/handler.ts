import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { createLogger } from '../shared/logger';
import { baseUrl, loadConfig } from './config';
import { runBulkLoad, StartResult, StatusResult } from './core';
import { NeptuneLoaderClient } from './loader-client';

/**
 * Starts Neptune bulk loads (vertices, then edges depending on them) and reports their status, for the
 * export -> load -> poll state machine. Input `{ action: 'start', vertexSource, edgeSource }` or
 * `{ action: 'status', loadIds }`.
 */
const config = loadConfig();
const logger = createLogger({ service: 'neptune-bulk-load' });
const loader = new NeptuneLoaderClient({
  baseUrl: baseUrl(config.NEPTUNE_ENDPOINT),
  region: config.AWS_REGION,
  credentials: config.IAM_AUTH === 'true' ? defaultProvider() : undefined,
  timeoutMs: config.REQUEST_TIMEOUT_MS,
});

export async function handler(event: unknown): Promise<StartResult | StatusResult> {
  return runBulkLoad(event, { loader, loaderRoleArn: config.LOADER_ROLE_ARN, region: config.AWS_REGION, logger });
}
