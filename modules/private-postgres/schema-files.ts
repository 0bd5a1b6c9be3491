import * as fs from 'node:fs';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { REPO_ROOT, ValidationError } from '../core';
import { schemaFileSha256, SchemaFile } from '../../lambdas/postgres-bootstrap/plan';
import { MAX_SCHEMA_FILE_BYTES, schemaFileProblems } from '../../lambdas/postgres-bootstrap/sql-files';

/**
 * Reads a schema file at synth (`path` relative to the repository root, e.g. `stacks/shop/sql/orders.sql`) and checks
 * it with the bootstrap's own rules (lambdas/postgres-bootstrap/sql-files.ts): it exists, is at most
 * MAX_SCHEMA_FILE_BYTES, holds at least one statement, and no transaction control, role switch or statement that
 * cannot run in a transaction block. Its text travels in the bootstrap's invocation payload, never in the Lambda's
 * environment.
 */
export function readSchemaFile(scope: Construct, prop: string, file: string, owner?: string): SchemaFile {
  const normalized = path.posix.normalize(file);
  if (path.isAbsolute(file) || normalized.startsWith('..') || normalized !== file || !file.endsWith('.sql')) {
    throw new ValidationError(scope, `${prop}: "${file}" must be a .sql file relative to the repository root, without "..", e.g. "stacks/shop/sql/orders.sql".`);
  }
  const full = path.join(REPO_ROOT, normalized);
  if (!fs.existsSync(full) || !fs.statSync(full).isFile()) {
    throw new ValidationError(scope, `${prop}: ${file} does not exist (paths are relative to the repository root, ${REPO_ROOT}).`);
  }
  if (fs.statSync(full).size > MAX_SCHEMA_FILE_BYTES) {
    throw new ValidationError(scope, `${prop}: ${file} is ${fs.statSync(full).size} bytes; the limit is ${MAX_SCHEMA_FILE_BYTES}. Split it into several files.`);
  }
  const sql = fs.readFileSync(full, 'utf8');
  const problems = schemaFileProblems(file, sql);
  if (problems.length) throw new ValidationError(scope, `${prop}: ${problems.join('; ')}.`);
  return { name: file, sql, sha256: schemaFileSha256(sql), ...(owner ? { owner } : {}) };
}
