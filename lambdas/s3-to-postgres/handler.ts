import type { LoaderEvent } from './events';
import { createLoader } from './runtime';
import type { EventSummary } from './runtime';

/**
 * S3 ObjectCreated (an S3 event notification, or EventBridge's "Object Created") -> Postgres. Configuration (TABLE_ROUTES, LOAD_STRATEGY, DB_SECRET_ARN or PG*, S3 endpoint) is
 * read once per container; each object loads in one transaction, exactly once (see load.ts).
 */
const loader = createLoader(process.env);

export async function handler(event: LoaderEvent): Promise<EventSummary> {
  return loader.handle(event);
}
