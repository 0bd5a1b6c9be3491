/**
 * One structured JSON logger for every Lambda: a line per event with a level, a message and context
 * (bucket, key, table, counts, durations). Never pass row contents or secrets to it.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** The fields every line has (and the one that holds context keys named like them); context cannot replace them. */
const RESERVED: ReadonlySet<string> = new Set(['level', 'time', 'service', 'message', 'contextFields']);

export interface Logger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
  /** A logger that adds `context` to every line (e.g. the object being loaded). */
  child(context: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  readonly service: string;
  /** @default process.env.LOG_LEVEL ?? 'info' */
  readonly level?: LogLevel;
  /** @default process.stdout.write */
  readonly sink?: (line: string) => void;
}

function describeError(err: unknown): Record<string, unknown> {
  if (err instanceof Error) return { name: err.name, message: err.message, ...(('code' in err && err.code) ? { code: (err as { code: unknown }).code } : {}) };
  return { message: String(err) };
}

export function createLogger(options: LoggerOptions, base: Record<string, unknown> = {}): Logger {
  const level = options.level ?? ((process.env.LOG_LEVEL as LogLevel | undefined) ?? 'info');
  const threshold = ORDER[level] ?? ORDER.info;
  const sink = options.sink ?? ((line: string) => process.stdout.write(line + '\n'));
  const write = (lvl: LogLevel, message: string, context?: Record<string, unknown>) => {
    if (ORDER[lvl] < threshold) return;
    const entry: Record<string, unknown> = { level: lvl, time: new Date().toISOString(), service: options.service, message };
    // A context key named like a line's own field (level, time, service, message) never replaces it: log filters
    // key on `level`, alarms on `message`. Its value is kept under `contextFields` instead.
    const shadowed: Record<string, unknown> = {};
    const put = (k: string, v: unknown) => {
      if (RESERVED.has(k)) shadowed[k] = v;
      else entry[k] = v;
    };
    for (const [k, v] of Object.entries(base)) put(k, v);
    for (const [k, v] of Object.entries(context ?? {})) put(k, k === 'error' || v instanceof Error ? describeError(v) : v);
    if (Object.keys(shadowed).length > 0) entry.contextFields = shadowed;
    sink(JSON.stringify(entry));
  };
  return {
    debug: (m, c) => write('debug', m, c),
    info: (m, c) => write('info', m, c),
    warn: (m, c) => write('warn', m, c),
    error: (m, c) => write('error', m, c),
    child: (context) => createLogger(options, { ...base, ...context }),
  };
}
