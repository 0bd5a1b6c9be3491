import type { Logger } from '../shared/logger';
import { ApplyExceptionsReport, countApplyExceptions, Queryable, windowFor } from './core';
import type { CheckConfig } from './config';
import type { MetricsSink } from './metrics';

export const METRIC_NAME = 'ApplyExceptions';

/** One run: count the window's apply exceptions, publish the count (0 included, so the alarm sees data), log the tables. */
export async function runCheck(db: Queryable, metrics: MetricsSink, config: CheckConfig, scheduledTime: Date, log: Logger): Promise<ApplyExceptionsReport & { from: string; to: string }> {
  const window = windowFor(scheduledTime, config.WINDOW_SECONDS, config.LAG_SECONDS);
  const report = await countApplyExceptions(db, { taskId: config.TASK_RESOURCE_ID, controlSchema: config.CONTROL_SCHEMA || undefined, ...window });
  await metrics.put(config.METRIC_NAMESPACE, [
    { metricName: METRIC_NAME, value: report.count, unit: 'Count', timestamp: window.to, dimensions: { ReplicationTaskIdentifier: config.TASK_RESOURCE_ID } },
  ]);
  const context = { taskId: config.TASK_RESOURCE_ID, table: report.table, count: report.count, tables: report.tables, from: window.from.toISOString(), to: window.to.toISOString() };
  if (!report.table) log.info('no apply-exceptions table yet (DMS creates it when a CDC task first runs); published 0', context);
  else if (report.count) log.warn('DMS failed to apply changes: see the apply-exceptions table for the statements and errors', context);
  else log.info('no apply exceptions in the window', context);
  return { ...report, from: window.from.toISOString(), to: window.to.toISOString() };
}
