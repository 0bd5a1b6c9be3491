import { parseConfig, scheduledTimeOf } from '../../../lambdas/dms-apply-exceptions/config';
import { windowFor } from '../../../lambdas/dms-apply-exceptions/core';

const env = { DB_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:t', TASK_RESOURCE_ID: 'ABCDEF123', METRIC_NAMESPACE: 'MigrationKit/DMS' };

describe('dms-apply-exceptions config and window', () => {
  test('defaults: a 5-minute window ending 2 minutes before the scheduled time; the login default schema', () => {
    expect(parseConfig(env)).toMatchObject({ WINDOW_SECONDS: 300, LAG_SECONDS: 120, CONTROL_SCHEMA: '' });
    expect(windowFor(new Date('2026-12-01T10:07:00Z'), 300, 120)).toEqual({ from: new Date('2026-12-01T10:00:00Z'), to: new Date('2026-12-01T10:05:00Z') });
  });

  test.each([
    [{ METRIC_NAMESPACE: 'AWS/DMS' }, 'AWS/ namespaces are reserved'],
    [{ DB_SECRET_ARN: '' }, 'DB_SECRET_ARN'],
    [{ TASK_RESOURCE_ID: 'task; DROP' }, 'must be a DMS task resource id'],
    [{ WINDOW_SECONDS: '30' }, 'WINDOW_SECONDS'],
  ])('fails at cold start on %j', (over, message) => {
    expect(() => parseConfig({ ...env, ...over })).toThrow(message);
  });

  test('the scheduled time comes from the Scheduler input; absent (a manual run): now; garbage fails', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    expect(scheduledTimeOf({ scheduledTime: '2026-12-01T10:07:00Z' }, now)).toEqual(new Date('2026-12-01T10:07:00Z'));
    expect(scheduledTimeOf({}, now)).toBe(now);
    expect(() => scheduledTimeOf({ scheduledTime: '<aws.scheduler.scheduled-time>' }, now)).toThrow('is not a time');
  });
});
