import { Client, ClientConfig } from 'pg';

/**
 * Connection settings of the test Postgres started by global-setup.mjs (libpq variables).
 * The test login is a true superuser; an RDS master user is not (rds_superuser: no COPY from server files, no
 * ownership of others' objects without membership). What RDS has that this Postgres does not: rds_iam and IAM
 * tokens, the aws_s3/aws_commons extensions (see test/helpers/aws-s3-standin.ts), rds.force_ssl (tests connect
 * without TLS), parameter groups, and failover.
 */
export function pgConfig(database = process.env.PGDATABASE): ClientConfig {
  return {
    host: process.env.PGHOST,
    port: Number(process.env.PGPORT),
    user: process.env.PGUSER,
    password: process.env.PGPASSWORD,
    database,
  };
}

/**
 * Creates a fresh database for one test file and points the libpq variables at it, so the code under test
 * (which reads PG* variables) and the test's own client see the same, isolated database.
 */
export async function createTestDatabase(prefix: string): Promise<{ name: string; client: Client; drop: () => Promise<void> }> {
  const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${Date.now() % 100000}`;
  const admin = new Client(pgConfig('postgres'));
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  process.env.PGDATABASE = name;
  const client = new Client(pgConfig(name));
  await client.connect();
  return {
    name,
    client,
    drop: async () => {
      await client.end();
      const a = new Client(pgConfig('postgres'));
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}
