import type { KinesisStreamRecord } from 'aws-lambda';
import { createLogger, Logger } from '../../../lambdas/shared/logger';

/** Builds Kinesis records carrying DMS JSON, with increasing sequence numbers like one shard would. */
export class StreamFixture {
  private seq = 49590338271490256608559692538361571095921575989136588000n;
  readonly shard = 'shardId-000000000000';

  nextSeq(): string {
    this.seq += 1000n;
    return this.seq.toString();
  }

  /** A record whose data is exactly `payload` (string: raw text; Buffer: raw bytes). */
  raw(payload: string | Buffer, seq = this.nextSeq()): KinesisStreamRecord {
    const data = (typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload).toString('base64');
    return {
      awsRegion: 'eu-west-2',
      eventID: `${this.shard}:${seq}`,
      eventName: 'aws:kinesis:record',
      eventSource: 'aws:kinesis',
      eventSourceARN: 'arn:aws:kinesis:eu-west-2:123456789012:stream/ledger',
      eventVersion: '1.0',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/consumer',
      kinesis: { approximateArrivalTimestamp: 1795000000.123, data, kinesisSchemaVersion: '1.0', partitionKey: 'pk', sequenceNumber: seq },
    };
  }

  /** A DMS data record. `timestamp` is the source commit time. */
  change(
    operation: 'load' | 'insert' | 'update' | 'delete',
    table: string,
    data: Record<string, unknown>,
    timestamp: string,
    extra: Record<string, unknown> = {},
  ): KinesisStreamRecord {
    const [schema, name] = table.split('.');
    return this.raw(
      JSON.stringify({
        data,
        metadata: {
          timestamp,
          'record-type': 'data',
          operation,
          'partition-key-type': 'primary-key',
          'schema-name': schema,
          'table-name': name,
          'transaction-id': 8589934593,
          ...extra,
        },
      }),
    );
  }

  control(operation: string, table: string): KinesisStreamRecord {
    const [schema, name] = table.split('.');
    return this.raw(
      JSON.stringify({
        data: {},
        metadata: { timestamp: '2026-11-23T10:00:00.000000Z', 'record-type': 'control', operation, 'partition-key-type': 'task-id', 'schema-name': schema, 'table-name': name },
      }),
    );
  }
}

/** A logger that keeps lines for assertions (and checks no row data leaks into them). */
export function memoryLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { log: createLogger({ service: 'test', level: 'debug', sink: (l) => lines.push(JSON.parse(l)) }), lines };
}
