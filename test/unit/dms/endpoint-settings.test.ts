import { KinesisTargetEndpoint, PostgresSourceEndpoint, PostgresTargetEndpoint, S3TargetEndpoint } from '../../../modules/dms-migration';
import { all, newStack, one, PG_SECRET, synth } from './helpers';

// Setting names, units and defaults: API PostgreSQLSettings
// (https://docs.aws.amazon.com/dms/latest/APIReference/API_PostgreSQLSettings.html) and API S3Settings
// (https://docs.aws.amazon.com/dms/latest/APIReference/API_S3Settings.html).

const BUCKET = { bucketName: 'demo-lake', bucketArn: 'arn:aws:s3:::demo-lake', kmsKeyArn: 'arn:aws:kms:eu-west-2:123456789012:key/lake' };
const SOURCE = { component: 'old', serverName: 'old.db', databaseName: 'app', secret: PG_SECRET };
const TARGET = { component: 'app', serverName: 'new.db', databaseName: 'app', secret: PG_SECRET };

describe('PostgreSQL source settings', () => {
  test('defaults are unchanged: heartbeat on every 5 minutes, nothing else set', () => {
    const stack = newStack();
    new PostgresSourceEndpoint(stack, 'src', SOURCE);
    expect(one(synth(stack), 'aws_dms_endpoint').postgres_settings).toEqual({ heartbeat_enable: true, heartbeat_frequency: 5, fail_tasks_on_lob_truncation: true });
  });

  test('DDL capture, heartbeat, type mapping and timeout reach PostgreSQLSettings', () => {
    const stack = newStack();
    new PostgresSourceEndpoint(stack, 'src', {
      ...SOURCE,
      slotName: 'dms_slot',
      captureDdls: true,
      ddlArtifactsSchema: 'dms_ddl',
      heartbeatFrequencyMinutes: 1,
      heartbeatSchema: 'dms_heartbeat',
      mapBooleanAsBoolean: true,
      mapJsonbAsClob: true,
      mapLongVarcharAs: 'nclob',
      executeTimeoutSeconds: 300,
    });
    expect(one(synth(stack), 'aws_dms_endpoint').postgres_settings).toEqual({
      slot_name: 'dms_slot',
      plugin_name: 'test-decoding',
      fail_tasks_on_lob_truncation: true,
      capture_ddls: true,
      ddl_artifacts_schema: 'dms_ddl',
      heartbeat_enable: true,
      heartbeat_frequency: 1,
      heartbeat_schema: 'dms_heartbeat',
      map_boolean_as_boolean: true,
      map_jsonb_as_clob: true,
      map_long_varchar_as: 'nclob',
      execute_timeout: 300,
    });
  });

  test('captureDdls: false creates nothing on the source', () => {
    const stack = newStack();
    new PostgresSourceEndpoint(stack, 'src', { ...SOURCE, captureDdls: false, heartbeat: false });
    const settings = one(synth(stack), 'aws_dms_endpoint').postgres_settings;
    expect(settings).toMatchObject({ capture_ddls: false, heartbeat_enable: false });
    expect(settings).not.toHaveProperty('heartbeat_frequency');
  });

  test.each([
    [{ heartbeat: false, heartbeatFrequencyMinutes: 10 }, 'test/src: heartbeatFrequencyMinutes and heartbeatSchema configure the heartbeat, which heartbeat: false turns off.'],
    [{ heartbeatFrequencyMinutes: 0 }, 'test/src: heartbeatFrequencyMinutes must be an integer from 1 to 1440 (minutes; HeartbeatFrequency'],
    [{ heartbeatFrequencyMinutes: 2.5 }, 'heartbeatFrequencyMinutes must be an integer from 1 to 1440'],
    [{ captureDdls: false, ddlArtifactsSchema: 'dms_ddl' }, 'test/src: ddlArtifactsSchema names where DMS creates the DDL capture artifacts, and captureDdls: false creates none.'],
    [{ ddlArtifactsSchema: 'DMS-DDL' }, 'test/src: ddlArtifactsSchema "DMS-DDL" is not an unquoted PostgreSQL schema name'],
    [{ heartbeatSchema: 'x;drop' }, 'test/src: heartbeatSchema "x;drop" is not an unquoted PostgreSQL schema name'],
    [{ executeTimeoutSeconds: 0 }, 'test/src: executeTimeoutSeconds must be an integer from 1 to 2147483647 (seconds; ExecuteTimeout'],
  ])('fails when %j', (bad, message) => {
    expect(() => new PostgresSourceEndpoint(newStack(), 'src', { ...SOURCE, ...bad })).toThrow(message);
  });
});

describe('PostgreSQL target settings', () => {
  test('no postgres_settings block unless a setting is given (default synth unchanged)', () => {
    const stack = newStack();
    new PostgresTargetEndpoint(stack, 't', TARGET);
    expect(one(synth(stack), 'aws_dms_endpoint')).not.toHaveProperty('postgres_settings');
  });

  test('maxFileSizeKb, boolean mapping and timeout reach PostgreSQLSettings', () => {
    const stack = newStack();
    new PostgresTargetEndpoint(stack, 't', { ...TARGET, maxFileSizeKb: 512, mapBooleanAsBoolean: true, executeTimeoutSeconds: 120 });
    expect(one(synth(stack), 'aws_dms_endpoint').postgres_settings).toEqual({ max_file_size: 512, map_boolean_as_boolean: true, execute_timeout: 120 });
  });

  test.each([0, 1048577, 1.5])('fails when maxFileSizeKb is %p', (size) => {
    expect(() => new PostgresTargetEndpoint(newStack(), 't', { ...TARGET, maxFileSizeKb: size })).toThrow(
      `test/t: maxFileSizeKb must be an integer from 1 to 1048576 (KB; MaxFileSize, https://docs.aws.amazon.com/dms/latest/APIReference/API_PostgreSQLSettings.html), got ${size}.`,
    );
  });
});

describe('S3 target settings', () => {
  test('defaults are unchanged: no batching, inserts-only, transaction or Parquet tuning arguments', () => {
    const stack = newStack();
    new S3TargetEndpoint(stack, 's3', { component: 'lake', bucket: BUCKET });
    const ep = one(synth(stack), 'aws_dms_s3_endpoint');
    for (const key of ['cdc_max_batch_interval', 'cdc_min_file_size', 'cdc_inserts_only', 'preserve_transactions', 'enable_statistics', 'data_page_size', 'row_group_length', 'dict_page_size_limit', 'parquet_timestamp_in_millisecond']) {
      expect(ep).not.toHaveProperty(key);
    }
    expect(ep.parquet_version).toBe('parquet-2-0');
  });

  test('CDC batching and preserved transactions', () => {
    const stack = newStack();
    new S3TargetEndpoint(stack, 's3', { component: 'lake', bucket: BUCKET, cdcPath: 'changes', preserveTransactions: true, cdcMaxBatchIntervalSeconds: 300, cdcMinFileSizeKb: 65536 });
    expect(one(synth(stack), 'aws_dms_s3_endpoint')).toMatchObject({ cdc_path: 'changes', preserve_transactions: true, cdc_max_batch_interval: 300, cdc_min_file_size: 65536 });
  });

  test('inserts-only CSV keeps the op column on full load, so CDC records still start with I (S3Settings.CdcInsertsOnly)', () => {
    const stack = newStack();
    new S3TargetEndpoint(stack, 's3', { component: 'lake', bucket: BUCKET, format: 'csv', cdcInsertsOnly: true });
    expect(one(synth(stack), 'aws_dms_s3_endpoint')).toMatchObject({ data_format: 'csv', cdc_inserts_only: true, include_op_for_full_load: true });
  });

  test('Parquet writer settings', () => {
    const stack = newStack();
    new S3TargetEndpoint(stack, 's3', {
      component: 'lake',
      bucket: BUCKET,
      parquet: { version: '1.0', enableStatistics: false, timestampInMillisecond: true, dataPageSizeBytes: 8192, rowGroupLength: 100000, dictPageSizeLimitBytes: 2097152 },
    });
    expect(one(synth(stack), 'aws_dms_s3_endpoint')).toMatchObject({
      parquet_version: 'parquet-1-0',
      enable_statistics: false,
      parquet_timestamp_in_millisecond: true,
      data_page_size: 8192,
      row_group_length: 100000,
      dict_page_size_limit: 2097152,
    });
  });

  test.each([
    [{ format: 'csv' as const, parquet: { enableStatistics: true, rowGroupLength: 5000 } }, "test/s3: parquet.enableStatistics, parquet.rowGroupLength configure the Parquet writer, and format is 'csv'"],
    [{ parquet: { version: '3.0' as '2.0' } }, 'test/s3: parquet.version "3.0" is not one of \'1.0\', \'2.0\''],
    [{ preserveTransactions: true, cdcPath: '/' }, 'test/s3: preserveTransactions needs cdcPath: DMS saves the transaction order in that folder'],
    [{ cdcMaxBatchIntervalSeconds: 0 }, 'test/s3: cdcMaxBatchIntervalSeconds must be an integer from 1 to 86400, got 0.'],
    [{ cdcMinFileSizeKb: 2000000 }, 'test/s3: cdcMinFileSizeKb must be an integer from 1 to 1048576, got 2000000.'],
    [{ parquet: { rowGroupLength: 64 * 1024 * 1024 + 1 } }, 'test/s3: parquet.rowGroupLength must be an integer from 1 to 67108864, got 67108865.'],
    [{ parquet: { dataPageSizeBytes: -1 } }, 'test/s3: parquet.dataPageSizeBytes must be an integer from 1 to 2147483647, got -1.'],
  ])('fails when %j', (bad, message) => {
    expect(() => new S3TargetEndpoint(newStack(), 's3', { component: 'lake', bucket: BUCKET, ...bad })).toThrow(message);
  });
});

describe('Kinesis target', () => {
  test('large integers stay integers (KinesisSettings.UseLargeIntegerValue), in provider 5.100.0 and 6.x alike', () => {
    const stack = newStack();
    new KinesisTargetEndpoint(stack, 'k', { component: 'changes', stream: { streamArn: 'arn:aws:kinesis:eu-west-2:123456789012:stream/changes' } });
    expect(all(synth(stack), 'aws_dms_endpoint')[0].kinesis_settings.use_large_integer_value).toBe(true);
  });
});
