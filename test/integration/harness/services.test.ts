import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createTestDatabase } from '../../helpers/pg';
import { createBucket, putObject, testS3Client } from '../../helpers/s3';

describe('integration services', () => {
  test('a real Postgres accepts DDL and transactions in a per-file database', async () => {
    const db = await createTestDatabase('harness');
    try {
      const { rows } = await db.client.query<{ v: string }>('SELECT current_setting(\'server_version\') AS v');
      expect(Number(rows[0].v.split('.')[0])).toBeGreaterThanOrEqual(16);
      await db.client.query('CREATE TABLE t (id int primary key)');
      await db.client.query('BEGIN');
      await db.client.query('INSERT INTO t VALUES (1)');
      await db.client.query('ROLLBACK');
      expect((await db.client.query('SELECT count(*)::int AS n FROM t')).rows[0].n).toBe(0);
    } finally {
      await db.drop();
    }
  });

  test('the S3 API stores and returns an object byte for byte', async () => {
    const s3 = testS3Client();
    const bucket = await createBucket(s3, 'harness');
    const body = 'id,name\n1,Zoë 🚀\n';
    await putObject(s3, bucket, 'dir/a b.csv', body);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/a b.csv' }));
    expect(await got.Body!.transformToString('utf8')).toBe(body);
  });
});
