import { Construct } from 'constructs';
import { check } from '../core';
import { PostgresEngine } from './props';

/** Majors the module creates; a `previousEngineVersion` may be older (RDS upgrades 11+ directly to current majors). */
export const SUPPORTED_MAJORS = { min: 13, max: 18 } as const;

/** The major of a PostgreSQL version string (`17`, `17.4`, `16.6`), or NaN. */
export function majorOf(version: string): number {
  return Number(/^(\d+)(?:\.|$)/.exec(version)?.[1]);
}

/** The parameter group family of an engine and version: `postgres17`, `aurora-postgresql16`. */
export function parameterGroupFamily(engine: PostgresEngine, version: string): string {
  return `${engine === 'aurora-postgresql' ? 'aurora-postgresql' : 'postgres'}${majorOf(version)}`;
}

export interface EngineUpgradeProps {
  readonly engine: PostgresEngine;
  readonly engineVersion: string;
  readonly previousEngineVersion?: string;
  readonly allowMajorVersionUpgrade?: boolean;
}

export interface EngineUpgrade {
  readonly major: number;
  /** Family of the parameter group(s) to create: follows `engineVersion`. */
  readonly family: string;
  /** `allow_major_version_upgrade` of the instance or cluster. */
  readonly allowMajorVersionUpgrade: boolean;
}

/**
 * Synth-time rules of a major version upgrade. The deployed version is not visible at synth, so the stack declares it
 * (`previousEngineVersion`) for the change: when its major differs from `engineVersion`'s, `allowMajorVersionUpgrade`
 * must be true (RDS refuses a major change without the flag: "The AllowMajorVersionUpgrade flag must be present when
 * upgrading to a new major version"), a downgrade is refused (restore a snapshot instead), and the flag alone, with no
 * declared previous version, is refused so that every major upgrade says what it upgrades from.
 */
export function resolveEngineUpgrade(scope: Construct, props: EngineUpgradeProps): EngineUpgrade {
  const { engineVersion, previousEngineVersion } = props;
  const major = majorOf(engineVersion);
  check(
    Number.isInteger(major) && major >= SUPPORTED_MAJORS.min && major <= SUPPORTED_MAJORS.max,
    scope,
    `engineVersion "${engineVersion}" is not a supported PostgreSQL major (${SUPPORTED_MAJORS.min}-${SUPPORTED_MAJORS.max}); use a major, e.g. "17".`,
  );
  const allow = props.allowMajorVersionUpgrade ?? false;
  if (previousEngineVersion === undefined) {
    check(
      !allow,
      scope,
      `allowMajorVersionUpgrade needs previousEngineVersion: declare the version the database runs now (e.g. previousEngineVersion: "16"), so the upgrade to "${engineVersion}" is explicit. Remove both once the upgrade is applied.`,
    );
    return { major, family: parameterGroupFamily(props.engine, engineVersion), allowMajorVersionUpgrade: false };
  }
  const previous = majorOf(previousEngineVersion);
  check(Number.isInteger(previous) && previous >= 11, scope, `previousEngineVersion "${previousEngineVersion}" is not a PostgreSQL version (e.g. "16" or "16.6").`);
  check(
    previous <= major,
    scope,
    `engineVersion "${engineVersion}" is older than previousEngineVersion "${previousEngineVersion}": RDS cannot downgrade a major version. Restore a snapshot taken before the upgrade instead (restoreFrom, README "Restore").`,
  );
  check(
    previous === major || allow,
    scope,
    `engineVersion "${engineVersion}" upgrades the major version from "${previousEngineVersion}" (parameter group family ${parameterGroupFamily(props.engine, previousEngineVersion)} -> ${parameterGroupFamily(props.engine, engineVersion)}): set allowMajorVersionUpgrade: true, after the pre-checks of the README runbook ("Major version upgrade").`,
  );
  return { major, family: parameterGroupFamily(props.engine, engineVersion), allowMajorVersionUpgrade: allow };
}
