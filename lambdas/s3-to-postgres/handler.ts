import type { S3Event } from 'aws-lambda';
import { createLoader } from './runtime';
import type { EventSummary } from './runtime';

/**
 * S3 ObjectCreated -> Postgres. Configuration (TABLE_ROUTES, LOAD_STRATEGY, DB_SECRET_ARN or PG*, S3 endpoint) is
 * read once per container; each object loads in one transaction, exactly once (see load.ts).
 */
const loader = createLoader(process.env);

export async function handler(event: S3Event): Promise<EventSummary> {
  return loader.handle(event);
}
