import type { Logger } from '../shared/logger';

/**
 * Secrets Manager single-user rotation for a Postgres login: the four steps of the rotation protocol, with the
 * password set by the master user as a SCRAM verifier. Ports keep the core testable against a real Postgres.
 */
export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

/**
 * AWS's pages disagree on the spelling of `Step`: the rotation templates and the guide's function pages use
 * `createSecret`, the "Rotation by Lambda function" page lists `create_secret`
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda.html). Both are accepted.
 */
const STEP_ALIASES: Record<string, RotationStep> = {
  createSecret: 'createSecret',
  create_secret: 'createSecret',
  setSecret: 'setSecret',
  set_secret: 'setSecret',
  testSecret: 'testSecret',
  test_secret: 'testSecret',
  finishSecret: 'finishSecret',
  finish_secret: 'finishSecret',
};

/** The canonical step for either spelling; undefined for anything else. */
export function normalizeStep(step: unknown): RotationStep | undefined {
  return typeof step === 'string' && Object.prototype.hasOwnProperty.call(STEP_ALIASES, step) ? STEP_ALIASES[step] : undefined;
}

export interface UserSecret {
  readonly username: string;
  readonly password: string;
  readonly [key: string]: unknown;
}

export interface SecretsPort {
  /** Stages per version id, and whether rotation is enabled. */
  describe(secretId: string): Promise<{ rotationEnabled: boolean; versions: Record<string, string[]> }>;
  /** The secret at a stage (and version); undefined when that version does not exist. */
  get(secretId: string, stage: 'AWSCURRENT' | 'AWSPENDING', versionId?: string): Promise<UserSecret | undefined>;
  put(secretId: string, token: string, value: UserSecret): Promise<void>;
  randomPassword(): Promise<string>;
  /** Moves AWSCURRENT to `token`, removing it from `previous`. */
  promote(secretId: string, token: string, previous: string | undefined): Promise<void>;
}

export interface DatabasePort {
  /** Sets `username`'s password (as the master user). */
  setPassword(username: string, password: string): Promise<void>;
  /** Logs in as the user; resolves when the login works. */
  tryLogin(username: string, password: string): Promise<boolean>;
}

export class RotationError extends Error {
  constructor(secretId: string, step: string, reason: string) {
    super(`rotation of ${secretId} (${step}): ${reason}`);
    this.name = 'RotationError';
  }
}

/**
 * `single-user`: each rotation sets a new password for the secret's user. `alternating-users`: each rotation moves the
 * secret to the other login of the pair (`<user>` <-> `<user>_clone`, created by the bootstrap) with a new password,
 * so the credentials a running client read before stay valid until the next rotation
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-strategy.html).
 */
export type RotationStrategy = 'single-user' | 'alternating-users';

/** The other login of an alternating pair. */
export function alternateUser(username: string): string {
  return username.endsWith('_clone') ? username.slice(0, -'_clone'.length) : `${username}_clone`;
}

export async function rotate(
  secretId: string,
  token: string,
  requestedStep: string,
  ports: { secrets: SecretsPort; db: DatabasePort; log: Logger },
  strategy: RotationStrategy = 'single-user',
): Promise<'done' | 'skipped'> {
  const { secrets, db, log } = ports;
  const step = normalizeStep(requestedStep);
  if (!step) {
    throw new RotationError(secretId, String(requestedStep), `unknown step; expected one of ${Object.keys(STEP_ALIASES).join(', ')}`);
  }
  const meta = await secrets.describe(secretId);
  if (!meta.rotationEnabled) throw new RotationError(secretId, step, 'rotation is not enabled on the secret');
  const stages = meta.versions[token];
  if (!stages) throw new RotationError(secretId, step, `version ${token} has no stage`);
  if (stages.includes('AWSCURRENT')) {
    log.info('version already current', { secretId, step });
    return 'skipped';
  }
  if (!stages.includes('AWSPENDING')) throw new RotationError(secretId, step, `version ${token} is not AWSPENDING`);

  switch (step) {
    case 'createSecret': {
      const current = await secrets.get(secretId, 'AWSCURRENT');
      if (!current?.username) throw new RotationError(secretId, step, 'the current version has no username');
      if (await secrets.get(secretId, 'AWSPENDING', token)) return 'skipped';
      const username = strategy === 'alternating-users' ? alternateUser(current.username) : current.username;
      await secrets.put(secretId, token, { ...current, username, password: await secrets.randomPassword() });
      break;
    }
    case 'setSecret': {
      const pending = await requirePending(secrets, secretId, token, step);
      if (await db.tryLogin(pending.username, pending.password)) return 'skipped';
      await db.setPassword(pending.username, pending.password);
      break;
    }
    case 'testSecret': {
      const pending = await requirePending(secrets, secretId, token, step);
      if (!(await db.tryLogin(pending.username, pending.password))) {
        throw new RotationError(secretId, step, `user ${pending.username} cannot log in with the pending password`);
      }
      break;
    }
    case 'finishSecret': {
      const current = Object.entries(meta.versions).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
      await secrets.promote(secretId, token, current);
      break;
    }
    default: {
      const unreachable: never = step;
      throw new RotationError(secretId, String(unreachable), 'unknown step');
    }
  }
  log.info('rotation step done', { secretId, step });
  return 'done';
}

async function requirePending(secrets: SecretsPort, secretId: string, token: string, step: string): Promise<UserSecret> {
  const pending = await secrets.get(secretId, 'AWSPENDING', token);
  if (!pending?.username || !pending.password) throw new RotationError(secretId, step, 'the pending version has no username/password');
  return pending;
}
