import * as fs from 'node:fs';
import * as path from 'node:path';
import type { S3Event } from 'aws-lambda';
import { Client } from 'pg';
import { applyPlan } from '../../../lambdas/postgres-bootstrap/bootstrap';
import { BootstrapPlanSchema } from '../../../lambdas/postgres-bootstrap/plan';
import { createLogger, Logger } from '../../../lambdas/shared/logger';
import { createLoader, Loader } from '../../../lambdas/s3-to-postgres/runtime';
import type { ObjectSource } from '../../../lambdas/s3-to-postgres/source';
import { withAwsS3Extension } from '../../helpers/aws-s3-standin';
import { pgConfig } from '../../helpers/pg';
import { s3Event } from '../../helpers/s3';

export const ROUTES = [
  { prefix: 'people/', table: 'public.people', mode: 'replace' },
  { prefix: 'people/archive/', table: 'archive.people', mode: 'append' },
  { prefix: 'events/', table: 'events', mode: 'append' },
  { prefix: 'ghost/', table: 'public.no_such_table', mode: 'append' },
];

export const PEOPLE_DDL = `
  CREATE TABLE public.people (
    id       integer PRIMARY KEY,
    name     text NOT NULL,
    born     date,
    score    numeric(6,2),
    note     text,
    created  timestamptz NOT NULL DEFAULT now()
  );
  CREATE SCHEMA archive;
  CREATE TABLE archive.people (id integer, name text);
  CREATE TABLE public.events (
    id    bigint GENERATED ALWAYS AS IDENTITY,
    kind  text NOT NULL,
    n     integer,
    twice integer GENERATED ALWAYS AS (n * 2) STORED
  );`;

/** Captures log lines so tests can check what is (and is not) logged. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ service: 's3-to-postgres', level: 'debug', sink: (l) => lines.push(l) }), lines };
}

export function loaderFor(env: Record<string, string | undefined> = {}, source?: ObjectSource): { loader: Loader; lines: string[] } {
  const { logger, lines } = captureLogger();
  const loader = createLoader({ ...process.env, TABLE_ROUTES: JSON.stringify(ROUTES), ...env }, { logger, source });
  return { loader, lines };
}

export const event = (bucket: string, key: string, eTag?: string, versionId?: string) =>
  s3Event(bucket, key, { eTag, versionId }) as unknown as S3Event;

export async function rows(client: Client, sql: string): Promise<unknown[]> {
  return (await client.query(sql)).rows;
}

export async function count(client: Client, table: string): Promise<number> {
  return (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
}

/**
 * The server-side strategy's database as on RDS: the bootstrap (as the master user) creates the loader's login, the
 * aws_s3 extension (the stand-in, test/helpers/aws-s3-standin.ts, which reads objects from `mirror`, a directory the
 * server can read) and the login's grants on it (s3Import); the loader then runs as that login, not the master.
 * Without s3Import the import fails with "permission denied for schema aws_commons". `cleanup` drops the login (roles
 * are cluster-wide) and the mirror.
 */
export async function bootstrapServerSideLogin(
  client: Client,
  appUser: string,
  appPassword: string,
  mirrorPrefix: string,
): Promise<{ mirror: string; cleanup: () => Promise<void> }> {
  // The stand-in hands files to the server, which runs as the postgres user when the suite runs as root.
  const mirror = fs.mkdtempSync(path.join(process.env.IT_SERVER_READABLE_DIR!, mirrorPrefix));
  fs.chmodSync(mirror, 0o755);
  const plan = BootstrapPlanSchema.parse({ users: [{ username: appUser, secretArn: 'arn:app', schemas: ['migration_kit'], s3Import: true }], extensions: ['aws_s3'] });
  await applyPlan(withAwsS3Extension(client, mirror), plan, async () => appPassword, createLogger({ service: 'test', sink: () => undefined }));
  const cleanup = async () => {
    const admin = new Client(pgConfig('postgres'));
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${appUser}`);
    await admin.end();
    fs.rmSync(mirror, { recursive: true, force: true });
  };
  return { mirror, cleanup };
}

/** Empties the loader's ledger, if the loader has created it yet. */
export async function clearLedger(client: Client): Promise<void> {
  await client.query("DO $$ BEGIN IF to_regclass('migration_kit.s3_load_ledger') IS NOT NULL THEN DELETE FROM migration_kit.s3_load_ledger; END IF; END $$");
}
