import { summarize } from '../../../lambdas/dms-task-runner/runner';

/**
 * TableStatistics.TableState (DMS API reference, "TableStatistics"): "Table does not exist | Before load | Full load |
 * Table completed | Table cancelled | Table error | Table all | Table updates | Table is being reloaded".
 * After a one-off full load has finished, a table left cancelled or missing was not loaded: the run must fail and
 * name it, as it does for "Table error", even when validation is off and no record counts as failed.
 */
describe('dms-task-runner: table states of a finished load', () => {
  test.each(['Table cancelled', 'Table does not exist', 'Table error'])('a table left in "%s" fails the run under that state', (TableState) => {
    const report = summarize([
      { SchemaName: 'rpt', TableName: 'ok', TableState: 'Table completed', FullLoadRows: 4 },
      { SchemaName: 'rpt', TableName: 'lost', TableState, FullLoadRows: 0 },
    ]);
    expect(report.failed).toEqual([{ table: 'rpt.lost', state: TableState, failedRecords: 0 }]);
    expect(report.unvalidated).toEqual([{ table: 'rpt.ok', state: 'Not enabled' }]);
    expect(report.rowsLoaded).toBe(4);
  });

});
