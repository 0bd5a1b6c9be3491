import type { S3Event } from 'aws-lambda';
import type { Client } from 'pg';
import { createLogger, Logger } from '../../../lambdas/shared/logger';
import { createLoader, Loader } from '../../../lambdas/s3-to-postgres/runtime';
import type { ObjectSource } from '../../../lambdas/s3-to-postgres/source';
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
