import { isTransientDbError } from '../shared/db';
import { CsvFormatError, GzipFormatError } from './csv';

/** Where a load failed: the object and, once routed, the target table. */
export interface LoadTarget {
  readonly bucket: string;
  readonly key: string;
  readonly table?: string;
}

/**
 * A failed load. `retryable` says whether trying again can succeed (database unreachable) or not (bad file,
 * missing object). Every message names the object, the table and the cause, and says the table is unchanged.
 */
export class LoadError extends Error {
  constructor(
    readonly target: LoadTarget,
    readonly reason: string,
    readonly retryable: boolean,
    readonly details: { line?: number; column?: string; code?: string } = {},
  ) {
    super(
      `s3://${target.bucket}/${target.key}${target.table ? ` -> ${target.table}` : ''}: ${reason}` +
        (retryable ? ' (retryable; nothing was loaded)' : '; nothing was loaded, the table is unchanged'),
    );
    this.name = retryable ? 'LoadRetryableError' : 'LoadRejectedError';
  }
}

/** The object no longer exists (deleted before the Lambda read it): retries cannot succeed. */
export class ObjectMissingError extends LoadError {
  constructor(target: LoadTarget, versionId?: string) {
    super(target, `the object${versionId ? ` version ${versionId}` : ''} no longer exists (deleted before it was read); retrying will not help`, false);
    this.name = 'ObjectMissingError';
  }
}

interface PgErrorFields {
  code?: string;
  message?: string;
  where?: string;
  column?: string;
  constraint?: string;
}

/**
 * Postgres quotes the offending value at the end of some messages (`...: "abc"`) and, in data exceptions (class 22),
 * also inside them (`value "99999999999" is out of range for type integer`). Logs never carry row data: both are
 * redacted. Column and encoding names (`missing data for column "born"`, `invalid byte sequence for encoding "UTF8"`)
 * are not row data and stay.
 */
function redactValue(message: string, code: string): string {
  const redacted = message.replace(/: ".*"$/s, ': <value redacted>');
  return code.startsWith('22') ? redacted.replace(/(?<!(?:column|encoding) )"[^"]*"/g, '<value redacted>') : redacted;
}

/**
 * Turns any failure inside a load into a LoadError. Postgres COPY errors carry `where` like
 * `COPY people, line 5, column age: "x"`; the line counts data records, so `headerLines` is added to give the file
 * line. Values are never copied into the message.
 */
export function toLoadError(err: unknown, target: LoadTarget, headerLines = 1): LoadError {
  if (err instanceof LoadError) return err;
  if (err instanceof CsvFormatError) return new LoadError(target, `rejected: ${err.message}`, false, { line: err.line });
  if (err instanceof GzipFormatError) return new LoadError(target, `rejected: ${err.message}`, false);
  const e = (err ?? {}) as PgErrorFields & Error;
  if (isTransientDbError(e)) {
    return new LoadError(target, `database unavailable: ${e.code ? `[${e.code}] ` : ''}${e.message ?? String(err)}`, true, { code: e.code });
  }
  const code = e.code;
  if (code === '55P03') {
    return new LoadError(target, `the table is locked by another session beyond the lock timeout: ${e.message} [55P03]`, true, { code });
  }
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    const where = e.where ?? '';
    const copyLine = /COPY [^,]+, line (\d+)/.exec(where);
    const column = /, column ([^:]+):/.exec(where)?.[1] ?? e.column;
    const line = copyLine ? Number(copyLine[1]) + headerLines : undefined;
    const parts = [
      line !== undefined ? `line ${line}` : undefined,
      column ? `column ${column}` : undefined,
      e.constraint ? `constraint ${e.constraint}` : undefined,
    ].filter(Boolean);
    // Class 22 (data exception) and 23 (integrity) are the file's fault; 42 (syntax/undefined object) is setup.
    const dataError = /^(22|23)/.test(code);
    const reason = `${dataError ? 'rejected' : 'failed'}${parts.length ? ` at ${parts.join(', ')}` : ''}: ${redactValue(e.message ?? '', code)} [${code}]`;
    return new LoadError(target, reason, false, { line, column, code });
  }
  // Anything else (an S3 read cut short, a runtime fault) may well pass on the next attempt.
  return new LoadError(target, `failed: ${e.message ?? String(err)}`, true);
}
