import type { Context } from 'aws-lambda';
type Sdk = typeof import('@aws-sdk/client-database-migration-service');
type Send = (command: unknown, sdk: Sdk) => Promise<unknown>;

const ARN = 'arn:aws:dms:eu-west-2:123456789012:task:HANDLERTEST';

/**
 * The handler as deployed: real config parsing and a real SDK client whose `send` is replaced at the client
 * boundary (in the handler's own module registry, so the spy hits the class the handler instantiates).
 */
function loadHandler(env: Record<string, string>, send?: Send): (event: unknown, context: Context) => Promise<unknown> {
  const saved = { ...process.env };
  Object.assign(process.env, { AWS_REGION: 'eu-west-2', ...env });
  let mod: { handler: (event: unknown, context: Context) => Promise<unknown> } | undefined;
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const sdk = require('@aws-sdk/client-database-migration-service') as Sdk;
      if (send) spies.push(jest.spyOn(sdk.DatabaseMigrationServiceClient.prototype, 'send').mockImplementation(((command: unknown) => send(command, sdk)) as never));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require('../../../lambdas/dms-task-runner/handler');
    });
  } finally {
    process.env = saved;
  }
  return mod!.handler;
}

const spies: jest.SpyInstance[] = [];

const context = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs }) as unknown as Context;

describe('dms-task-runner handler', () => {
  let stdout: jest.SpyInstance;
  beforeEach(() => {
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    spies.splice(0).forEach((s) => s.mockRestore());
    stdout.mockRestore();
  });

  test('starts the configured task and reports still-running when the budget is spent', async () => {
    const calls: string[] = [];
    const handler = loadHandler({ REPLICATION_TASK_ARN: ARN, POLL_INTERVAL_SECONDS: '1', SAFETY_MARGIN_SECONDS: '1' }, async (command, sdk) => {
      calls.push((command as object).constructor.name);
      if (command instanceof sdk.StartReplicationTaskCommand) return {};
      if (command instanceof sdk.DescribeReplicationTasksCommand) {
        const started = calls.includes('StartReplicationTaskCommand');
        return { ReplicationTasks: [{ ReplicationTaskArn: ARN, MigrationType: 'full-load', Status: started ? 'running' : 'ready' }] };
      }
      throw new Error('unexpected command');
    });
    const outcome = await handler({ source: 'dms-scheduled-full-load' }, context(1500));
    expect(outcome).toMatchObject({ outcome: 'still-running', taskArn: ARN, startType: 'start-replication', startedByThisRun: true });
    expect(calls).toEqual(['DescribeReplicationTasksCommand', 'StartReplicationTaskCommand', 'DescribeReplicationTasksCommand']);
  });

  test('fails loudly (throws and logs the error with the task) when DMS refuses', async () => {
    const handler = loadHandler({ REPLICATION_TASK_ARN: ARN }, async () => {
      throw Object.assign(new Error('User is not authorized to perform: dms:DescribeReplicationTasks'), { name: 'AccessDeniedFault' });
    });
    await expect(handler({}, context(60_000))).rejects.toThrow('not authorized');
    const logged = stdout.mock.calls.map((c) => String(c[0])).find((l) => l.includes('full-load run failed'));
    expect(JSON.parse(logged!)).toMatchObject({ level: 'error', taskArn: ARN, error: { name: 'AccessDeniedFault' } });
  });

  test('{"action":"resume"} resumes the configured CDC task with resume-processing', async () => {
    const starts: unknown[] = [];
    const handler = loadHandler({ REPLICATION_TASK_ARN: ARN, POLL_INTERVAL_SECONDS: '1', SAFETY_MARGIN_SECONDS: '1' }, async (command, sdk) => {
      if (command instanceof sdk.StartReplicationTaskCommand) {
        starts.push(command.input);
        return {};
      }
      if (command instanceof sdk.DescribeReplicationTasksCommand) {
        const status = starts.length ? 'running' : 'stopped';
        return { ReplicationTasks: [{ ReplicationTaskArn: ARN, MigrationType: 'cdc', Status: status, ReplicationTaskStartDate: new Date('2026-11-20T00:00:00Z') }] };
      }
      throw new Error('unexpected command');
    });
    await expect(handler({ action: 'resume' }, context(10_000))).resolves.toMatchObject({ outcome: 'resumed', taskArn: ARN });
    expect(starts).toEqual([{ ReplicationTaskArn: ARN, StartReplicationTaskType: 'resume-processing' }]);
  });

  test('fails when the event names an unknown action (nothing is called)', async () => {
    const send = jest.fn();
    const handler = loadHandler({ REPLICATION_TASK_ARN: ARN }, send);
    await expect(handler({ action: 'reload' }, context(10_000))).rejects.toThrow('dms-task-runner event is invalid');
    expect(send).not.toHaveBeenCalled();
  });

  test('fails at cold start when the task ARN is not configured', () => {
    expect(() => loadHandler({ REPLICATION_TASK_ARN: '' })).toThrow('dms-task-runner configuration is invalid');
  });
});
