/**
 * The two ways DMS reads an Oracle source's redo for change capture (Oracle LogMiner, the default, and the AWS DMS
 * Binary Reader) as a typed choice, the source facts that decide between them, the checks that refuse the
 * combinations the DMS User Guide documents as unsupported, and the extra connection attributes each needs.
 *
 * Every rule cites a section of the DMS User Guide page "Using an Oracle database as a source for AWS DMS"
 * (ORACLE_GUIDE.source, anchors below). The text was read from the last open-source copy of that page
 * (github.com/awsdocs/aws-dms-user-guide, doc_source/CHAP_Source.Oracle.md, June 2023) and its section headings
 * matched against the live page's table of contents.
 */

export type OracleCaptureMode = 'logminer' | 'binary-reader';

export const ORACLE_CAPTURE_MODES: readonly OracleCaptureMode[] = ['logminer', 'binary-reader'];

/** DMS User Guide page and the section anchors the rules below follow. */
export const ORACLE_GUIDE = {
  source: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html',
  /** "Using Oracle LogMiner or AWS DMS Binary Reader for CDC" */
  cdc: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.CDC',
  /** "Configuration for CDC on an Oracle source database" */
  cdcConfiguration: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.CDC.Configuration',
  /** "Workflows for configuring a self-managed or AWS-managed Oracle source database" */
  workflows: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Workflows',
  /** "User account privileges required on a self-managed Oracle source for AWS DMS" */
  selfManagedPrivileges: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Self-Managed.Privileges',
  /** "Verifying that AWS DMS supports the source database version" */
  dbVersion: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Self-Managed.Configuration.DbVersion',
  /** "Making sure that ARCHIVELOG mode is on" */
  archiveLogMode: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Self-Managed.Configuration.ArchiveLogMode',
  /** "Setting up supplemental logging" (self-managed) */
  supplementalLogging: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Self-Managed.Configuration.SupplementalLogging',
  /** "Account privileges required when using Oracle LogMiner to access the redo logs" */
  logMinerPrivileges: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Self-Managed.LogMinerPrivileges',
  /** "Account privileges required when using AWS DMS Binary Reader to access the redo logs" */
  binaryReaderPrivileges: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Self-Managed.BinaryReaderPrivileges',
  /** "Additional account privileges required when using Binary Reader with Oracle ASM" */
  asmPrivileges: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Self-Managed.ASMBinaryPrivileges',
  /** "Using a user-managed database on Oracle Cloud Infrastructure (OCI) as a source for CDC in AWS DMS" */
  oci: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Self-Managed.OCI',
  /** "User account privileges required on an AWS-managed Oracle source for AWS DMS" */
  rdsPrivileges: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Amazon-Managed.Privileges',
  /** "Configuring an AWS-managed Oracle source for AWS DMS" */
  rdsConfiguration: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Amazon-Managed.Configuration',
  /** "Configuring a CDC task to use Binary Reader with an RDS for Oracle source for AWS DMS" */
  rdsBinaryReader: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Amazon-Managed.CDC',
  /** "Using an Amazon RDS Oracle Standby (read replica) as a source with Binary Reader for CDC in AWS DMS" */
  rdsStandby: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Amazon-Managed.StandBy',
  /** "Limitations on using Oracle as a source for AWS DMS" */
  limitations: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Limitations',
  /** "SSL support for an Oracle endpoint" */
  ssl: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Security.SSL.Oracle',
  /** "Endpoint settings when using Oracle as a source for AWS DMS" */
  settings: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.ConnectionAttrib',
  /** "Using secrets to access AWS Database Migration Service endpoints" (the Oracle ASM secret) */
  secrets: 'https://docs.aws.amazon.com/dms/latest/userguide/security_iam_secretsmanager.html',
} as const;

/**
 * Where the source runs: `self-managed` (on premises or EC2), `rds` (Amazon RDS for Oracle), or `oci` (a
 * user-managed database on Oracle Cloud Infrastructure).
 */
export type OracleHosting = 'self-managed' | 'rds' | 'oci';

export type OracleEdition = 'enterprise' | 'standard' | 'express' | 'personal';

/** What is known about the source; templates/oracle/00-preflight-checks.sql answers each. */
export interface OracleSourceFacts {
  /** @default 'self-managed' */
  readonly hosting?: OracleHosting;
  /**
   * Changes must keep flowing after the full load (full-load-and-cdc or cdc tasks). False: the endpoint serves
   * full-load tasks only, and none of the capture rules apply.
   */
  readonly continuous: boolean;
  /** Release, e.g. '19', '12.1.0.2', or an RDS engine version such as '19.0.0.0.ru-2024-01.rur-2024-01.r1' or '12.1.0.2.v7'. */
  readonly version?: string;
  readonly edition?: OracleEdition;
  /**
   * Multitenant: `non-cdb`, `pdb` (the endpoint's database is a pluggable database), or `cdb-root` (CDB$ROOT).
   * @default 'non-cdb'
   */
  readonly container?: 'non-cdb' | 'pdb' | 'cdb-root';
  /** The redo logs are stored in Oracle Automatic Storage Management. @default false */
  readonly asm?: boolean;
  /** Transparent data encryption in use: on tablespaces, on columns, or both. @default 'none' */
  readonly tde?: 'none' | 'tablespace' | 'column' | 'tablespace-and-column';
  /** The endpoint connects to an Active Data Guard standby (RDS: a read replica) rather than the primary. @default false */
  readonly standby?: boolean;
  /** Some replicated tables are in Oracle table clusters. @default false */
  readonly tableClusters?: boolean;
  /** The application uses XA (distributed) transactions on the replicated tables. @default false */
  readonly xaTransactions?: boolean;
  /** The redo volume is high, or several DMS tasks will read this source. @default false */
  readonly highRedoVolume?: boolean;
  /** `SELECT log_mode FROM v$database` returned ARCHIVELOG (self-managed). */
  readonly archiveLogMode?: boolean;
  /** RDS: automated backups are on (backup retention > 0). */
  readonly automatedBackups?: boolean;
  /** `SELECT supplemental_log_data_min FROM v$database` returned YES or IMPLICIT. */
  readonly supplementalLogging?: boolean;
}

export interface OracleModeChoice {
  readonly mode: OracleCaptureMode;
  readonly reasons: readonly string[];
}

/** Thrown when no capture mode can work; the message says why and what to change. */
export class OracleModeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OracleModeError';
  }
}

const hostingOf = (facts: OracleSourceFacts): OracleHosting => facts.hosting ?? 'self-managed';

/** [major, minor] of a version string ('19' -> [19, 0], '12.1.0.2.v7' -> [12, 1]); undefined when unparseable. */
export function oracleMajorMinor(version: string | undefined): [number, number] | undefined {
  const m = /^(\d+)(?:\.(\d+))?/.exec(version ?? '');
  return m ? [Number(m[1]), Number(m[2] ?? 0)] : undefined;
}

/** The RDS patch number of an engine version like '11.2.0.4.v11' (11); undefined for other formats. */
function rdsPatch(version: string | undefined): number | undefined {
  const m = /\.v(\d+)$/i.exec(version ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * RDS for Oracle versions that need the path-prefix attributes with Binary Reader (11.2 and 12.1), and the first
 * RDS patch of each with Binary Reader support (DMS guide, "Configuring a CDC task to use Binary Reader with an RDS
 * for Oracle source": 11.2.0.4.V11 and higher, 12.1.0.2.V7 and higher; 12.2, 18.0 and 19.0 all versions).
 */
const RDS_PATH_PREFIX_RELEASES: Record<string, number> = { '11.2': 11, '12.1': 7 };

type Support = { ok: true } | { ok: false; why: string };

/** Reasons no capture mode works for this source (CDC itself is impossible). */
function cdcBlockers(facts: OracleSourceFacts): string[] {
  const why: string[] = [];
  const hosting = hostingOf(facts);
  const mm = oracleMajorMinor(facts.version);
  // Limitations: "Beginning with Oracle 18.x, AWS DMS doesn't support change data capture (CDC) from Oracle Express Edition."
  if (facts.edition === 'express' && mm && mm[0] >= 18) {
    why.push(`DMS has no change data capture from Oracle Express Edition 18 and later (${ORACLE_GUIDE.limitations}); this is Express ${facts.version}`);
  }
  // Limitations: "When replicating from Amazon RDS for Oracle, TDE is supported only with encrypted tablespace and using
  // Oracle LogMiner"; the CDC comparison table: LogMiner "doesn't support TDE encryption on column level for Amazon RDS
  // for Oracle", Binary Reader "supports TDE only for self-managed Oracle databases".
  if (hosting === 'rds' && (facts.tde === 'column' || facts.tde === 'tablespace-and-column')) {
    why.push(`on RDS for Oracle DMS captures TDE only on encrypted tablespaces with LogMiner, never column-level TDE (${ORACLE_GUIDE.limitations})`);
  }
  // Limitations: "AWS DMS doesn't support connections to an Amazon RDS Oracle source using an Oracle ASM proxy."
  if (hosting === 'rds' && facts.asm) {
    why.push(`DMS does not connect to an RDS for Oracle source through an ASM proxy (${ORACLE_GUIDE.limitations}); RDS keeps its redo on its own storage: drop facts.asm`);
  }
  // Self-managed: "To run a CDC task, run the database in ARCHIVELOG mode."
  if (hosting !== 'rds' && facts.archiveLogMode === false) {
    why.push(`the database runs in NOARCHIVELOG mode and DMS reads changes only from a database in ARCHIVELOG mode (${ORACLE_GUIDE.archiveLogMode}); run templates/oracle/10-archivelog-self-managed.sql, then set archiveLogMode: true`);
  }
  // AWS-managed: "Enable automatic backups" before using the database as a source.
  if (hosting === 'rds' && facts.automatedBackups === false) {
    why.push(`RDS for Oracle archives redo for DMS only with automated backups on (${ORACLE_GUIDE.rdsConfiguration}); set a backup retention period above 0, then automatedBackups: true`);
  }
  // Self-managed and AWS-managed: "AWS DMS requires that you enable minimal supplemental logging".
  if (facts.supplementalLogging === false) {
    why.push(
      `database-level supplemental logging is off and DMS needs it to capture changes (${hosting === 'rds' ? ORACLE_GUIDE.rdsConfiguration : ORACLE_GUIDE.supplementalLogging}); run templates/oracle/${hosting === 'rds' ? '20-supplemental-logging-rds.sql' : '20-supplemental-logging-self-managed.sql'}, then supplementalLogging: true`,
    );
  }
  return why;
}

/** Can LogMiner capture this source's changes? */
export function logMinerSupport(facts: OracleSourceFacts): Support {
  // OCI limitations: "DMS doesn't support using Oracle LogMiner to access the redo logs."
  if (hostingOf(facts) === 'oci') return { ok: false, why: `DMS does not read an OCI-hosted database's redo with LogMiner (${ORACLE_GUIDE.oci})` };
  // Limitations, LogMiner: "Oracle LogMiner doesn't support connections to a pluggable database (PDB)."
  if (facts.container === 'pdb') return { ok: false, why: `LogMiner does not support connections to a pluggable database (${ORACLE_GUIDE.limitations}): a PDB is read with Binary Reader` };
  // Workflows: "Configure Oracle Standby as a source for CDC" -- LogMiner: "AWS DMS doesn't support Oracle Standby as a source".
  if (facts.standby) return { ok: false, why: `with LogMiner DMS does not support an Oracle standby as a source (${ORACLE_GUIDE.workflows}); a standby is read with Binary Reader` };
  // Limitations, LogMiner: "AWS DMS doesn't support XA transactions in replication while using Oracle LogMiner."
  if (facts.xaTransactions) return { ok: false, why: `LogMiner does not replicate XA transactions (${ORACLE_GUIDE.limitations})` };
  return { ok: true };
}

/** Can Binary Reader capture this source's changes? */
export function binaryReaderSupport(facts: OracleSourceFacts): Support {
  const hosting = hostingOf(facts);
  // Limitations, Binary Reader: "It doesn't support table clusters."
  if (facts.tableClusters) return { ok: false, why: `Binary Reader does not support table clusters (${ORACLE_GUIDE.limitations})` };
  // Limitations, Binary Reader: "Binary Reader supports TDE only for self-managed Oracle databases".
  if (hosting === 'rds' && facts.tde !== undefined && facts.tde !== 'none') {
    return { ok: false, why: `Binary Reader supports TDE only on self-managed databases: RDS for Oracle does not give out the wallet password (${ORACLE_GUIDE.limitations})` };
  }
  if (hosting === 'rds') {
    // "Binary Reader support is available in the following versions of Amazon RDS for Oracle: 11.2.0.4.V11 and higher,
    // 12.1.0.2.V7 and higher, 12.2, 18.0, 19.0 all versions."
    const mm = oracleMajorMinor(facts.version);
    if (mm && (mm[0] < 11 || (mm[0] === 11 && mm[1] < 2))) {
      return { ok: false, why: `Binary Reader on RDS for Oracle starts at 11.2.0.4.V11 (${ORACLE_GUIDE.rdsBinaryReader}); this is ${facts.version}` };
    }
    const min = mm ? RDS_PATH_PREFIX_RELEASES[`${mm[0]}.${mm[1]}`] : undefined;
    const patch = rdsPatch(facts.version);
    if (min !== undefined && patch !== undefined && patch < min) {
      return { ok: false, why: `Binary Reader on RDS for Oracle ${mm![0]}.${mm![1]} needs patch V${min} or later (${ORACLE_GUIDE.rdsBinaryReader}); this is ${facts.version}` };
    }
  }
  // Not an AWS limit but this module's: with ASM, DMS reads the ASM credentials from a second secret
  // (SecretsManagerOracleAsmSecretId, DMS guide "Using secrets to access AWS DMS endpoints"), which the AWS provider's
  // oracle_settings block cannot set (it has only authentication_method), and the secret has no documented place for them.
  if (facts.asm) {
    return {
      ok: false,
      why: `Binary Reader on ASM needs the ASM login in a second secret (SecretsManagerOracleAsmSecretId, ${ORACLE_GUIDE.secrets}), which the AWS provider cannot set on an endpoint; this module refuses it rather than put the ASM password in clear text`,
    };
  }
  return { ok: true };
}

/**
 * Picks the capture mode with the DMS guide's advice ("Using Oracle LogMiner or AWS DMS Binary Reader for CDC"): "In
 * general, use Oracle LogMiner ... unless you need to run several migration tasks on the source Oracle database, or the
 * volume of changes or the redo log volume on the source is high". LogMiner is also DMS's default. Where LogMiner
 * cannot work (PDB, OCI, standby, XA transactions), Binary Reader. Throws `OracleModeError` when neither can.
 */
export function pickOracleCaptureMode(facts: OracleSourceFacts): OracleModeChoice {
  // Limitations: "AWS DMS doesn't support the multi-tenant container root database (CDB$ROOT)." (no mode, not even full load)
  if (facts.container === 'cdb-root') {
    throw new OracleModeError(`DMS does not support the container root CDB$ROOT as a source (${ORACLE_GUIDE.limitations}). Connect to the pluggable database (its service name) with container: 'pdb'.`);
  }
  if (!facts.continuous) {
    return { mode: 'logminer', reasons: ['full load only: no change capture; LogMiner is the default and adds no endpoint settings'] };
  }
  const blockers = cdcBlockers(facts);
  if (blockers.length) {
    throw new OracleModeError(`change capture is impossible for this source: ${blockers.join('; ')}. Fix the source, or run full loads only (continuous: false).`);
  }
  const lm = logMinerSupport(facts);
  const br = binaryReaderSupport(facts);
  if (!lm.ok && !br.ok) {
    throw new OracleModeError(`neither capture mode works for this source: ${lm.why}; and ${br.why}. Fix the source, or run full loads only (continuous: false).`);
  }
  if (!lm.ok) return { mode: 'binary-reader', reasons: [lm.why] };
  if (facts.highRedoVolume && br.ok) {
    return { mode: 'binary-reader', reasons: ['high redo volume or several tasks on the source: Binary Reader has less impact on the source and better CDC performance (DMS guide)'] };
  }
  const reasons = ['LogMiner: the DMS default and the guide\'s general advice (simpler set-up, supports all Oracle compression and encryption options)'];
  if (facts.highRedoVolume && !br.ok) reasons.push(`Binary Reader would suit the high redo volume, but ${br.why}`);
  return { mode: 'logminer', reasons };
}

/** Every reason `mode` cannot work with these facts (empty when it can). Messages name the fact or prop and the fix. */
export function validateOracleCaptureMode(mode: OracleCaptureMode, facts: OracleSourceFacts): string[] {
  const problems: string[] = [];
  if (facts.container === 'cdb-root') {
    problems.push(`facts.container 'cdb-root': DMS does not support the container root CDB$ROOT as a source (${ORACLE_GUIDE.limitations}). Point databaseName at the pluggable database's service name, set container: 'pdb' and mode: 'binary-reader'.`);
  }
  if (!facts.continuous) {
    if (mode === 'binary-reader') {
      problems.push("mode 'binary-reader' configures change capture, but facts.continuous is false. Use mode 'logminer' (DMS's default: no capture settings) for full loads, or set continuous: true.");
    }
    return problems;
  }
  for (const why of cdcBlockers(facts)) problems.push(`change capture is impossible: ${why}.`);
  if (mode === 'logminer') {
    const lm = logMinerSupport(facts);
    if (!lm.ok) {
      const br = binaryReaderSupport(facts);
      problems.push(`mode 'logminer' is impossible: ${lm.why}. ${br.ok ? "Use mode 'binary-reader'." : `Binary Reader does not work either (${br.why}); run full loads only (continuous: false).`}`);
    }
  } else {
    const br = binaryReaderSupport(facts);
    if (!br.ok) {
      const lm = logMinerSupport(facts);
      problems.push(`mode 'binary-reader' is impossible: ${br.why}. ${lm.ok ? "Use mode 'logminer'." : `LogMiner does not work either (${lm.why}); run full loads only (continuous: false).`}`);
    }
  }
  return problems;
}

/** Typed Oracle source settings (the provider's oracle_settings block cannot hold them: they become extra connection attributes). */
export interface OracleEndpointOptions {
  /**
   * `addSupplementalLogging=Y`: DMS adds PRIMARY KEY supplemental logging on every table the task selects (needs ALTER
   * on those tables; database-level supplemental logging is still the DBA's, templates/oracle/20-*). `false` emits
   * `addSupplementalLogging=N`. (DMS guide, endpoint settings, AddSupplementalLogging.)
   * @default unset (DMS's default)
   */
  readonly addSupplementalLogging?: boolean;
  /**
   * `archivedLogsOnly=Y`: read only archived redo (changes arrive one log switch later). Binary Reader only here.
   * @default unset (DMS reads online and archived redo)
   */
  readonly archivedLogsOnly?: boolean;
  /** Other documented attributes, verbatim (`name=value`), e.g. `{ exposeViews: 'true' }`. */
  readonly additional?: Record<string, string>;
}

/**
 * Every reason these options cannot work with this mode and source (empty when they can).
 */
export function validateOracleOptions(mode: OracleCaptureMode, options: OracleEndpointOptions = {}, facts?: Partial<OracleSourceFacts>): string[] {
  const problems: string[] = [];
  if (options.archivedLogsOnly !== undefined && mode !== 'binary-reader') {
    problems.push("options.archivedLogsOnly is a Binary Reader setting (ArchivedLogsOnly); mode is 'logminer'. Drop the option or use mode 'binary-reader'.");
  }
  if (options.addSupplementalLogging !== undefined && facts && facts.continuous === false) {
    problems.push('options.addSupplementalLogging sets up logging for change capture, and facts.continuous is false. Drop the option.');
  }
  const reserved = ['useLogminerReader', 'useBfile', 'accessAlternateDirectly', 'useAlternateFolderForOnline', 'oraclePathPrefix', 'usePathPrefix', 'replacePathPrefix', 'asm_user', 'asm_server', 'asmServer'];
  for (const k of Object.keys(options.additional ?? {})) {
    if (reserved.some((r) => r.toLowerCase() === k.toLowerCase())) {
      problems.push(`options.additional.${k} is set by the capture mode (mode and facts decide it); drop it from options.additional and choose the mode instead.`);
    }
  }
  return problems;
}

/**
 * The extra connection attributes for a mode, `name=value;...;` in the order the DMS guide writes them.
 * - logminer: nothing ("AWS DMS uses LogMiner by default. You don't have to specify additional extra connection
 *   attributes to use it", Configuration for CDC).
 * - binary-reader: `useLogminerReader=N;useBfile=Y` (Configuration for CDC; RDS 12.2 and later the same).
 * - binary-reader on RDS for Oracle 11.2 or 12.1: also `accessAlternateDirectly=false;useAlternateFolderForOnline=true;
 *   oraclePathPrefix=/rdsdbdata/db/<DATABASE_NAME>_A/;usePathPrefix=/rdsdbdata/log/;replacePathPrefix=true` ("Configuring
 *   a CDC task to use Binary Reader with an RDS for Oracle source", step 3).
 * - binary-reader on an RDS standby (read replica): also `archivedLogDestId=1;additionalArchivedLogDestId=2` ("Using an
 *   Amazon RDS Oracle Standby (read replica) as a source with Binary Reader", step 7).
 */
export function oracleExtraConnectionAttributes(
  mode: OracleCaptureMode,
  options: OracleEndpointOptions = {},
  facts?: Partial<OracleSourceFacts>,
  databaseName?: string,
): string {
  const attrs: Array<[string, string]> = [];
  const continuous = facts?.continuous !== false;
  if (mode === 'binary-reader' && continuous) {
    attrs.push(['useLogminerReader', 'N'], ['useBfile', 'Y']);
    const mm = oracleMajorMinor(facts?.version);
    if (facts?.hosting === 'rds' && mm && RDS_PATH_PREFIX_RELEASES[`${mm[0]}.${mm[1]}`] !== undefined) {
      attrs.push(
        ['accessAlternateDirectly', 'false'],
        ['useAlternateFolderForOnline', 'true'],
        ['oraclePathPrefix', `/rdsdbdata/db/${(databaseName ?? '').toUpperCase()}_A/`],
        ['usePathPrefix', '/rdsdbdata/log/'],
        ['replacePathPrefix', 'true'],
      );
    }
    if (facts?.hosting === 'rds' && facts.standby) attrs.push(['archivedLogDestId', '1'], ['additionalArchivedLogDestId', '2']);
    if (options.archivedLogsOnly !== undefined) attrs.push(['archivedLogsOnly', options.archivedLogsOnly ? 'Y' : 'N']);
  }
  if (options.addSupplementalLogging !== undefined) attrs.push(['addSupplementalLogging', options.addSupplementalLogging ? 'Y' : 'N']);
  for (const [k, v] of Object.entries(options.additional ?? {})) attrs.push([k, v]);
  return attrs.length ? attrs.map(([k, v]) => `${k}=${v}`).join(';') + ';' : '';
}

/** Whether the RDS Binary Reader path-prefix attributes apply (RDS for Oracle 11.2 / 12.1): they need the database name. */
export function needsRdsPathPrefix(mode: OracleCaptureMode, facts?: Partial<OracleSourceFacts>): boolean {
  const mm = oracleMajorMinor(facts?.version);
  return mode === 'binary-reader' && facts?.continuous !== false && facts?.hosting === 'rds' && !!mm && RDS_PATH_PREFIX_RELEASES[`${mm[0]}.${mm[1]}`] !== undefined;
}

/**
 * The privileges the DMS guide lists for the DMS user, as literals, so the runbook test can hold templates/oracle to
 * them. Object names are the guide's (`V_$...`, not the `V$` synonyms: "use the actual name of objects").
 */
export const ORACLE_DOCUMENTED_PRIVILEGES = {
  /** "User account privileges required on a self-managed Oracle source for AWS DMS" (ORACLE_GUIDE.selfManagedPrivileges). */
  selfManaged: [
    'CREATE SESSION',
    'SELECT ANY TRANSACTION',
    'SELECT ON V_$ARCHIVED_LOG',
    'SELECT ON V_$LOG',
    'SELECT ON V_$LOGFILE',
    'SELECT ON V_$LOGMNR_LOGS',
    'SELECT ON V_$LOGMNR_CONTENTS',
    'SELECT ON V_$DATABASE',
    'SELECT ON V_$THREAD',
    'SELECT ON V_$PARAMETER',
    'SELECT ON V_$NLS_PARAMETERS',
    'SELECT ON V_$TIMEZONE_NAMES',
    'SELECT ON V_$TRANSACTION',
    'SELECT ON V_$CONTAINERS',
    'SELECT ON ALL_INDEXES',
    'SELECT ON ALL_OBJECTS',
    'SELECT ON ALL_TABLES',
    'SELECT ON ALL_USERS',
    'SELECT ON ALL_CATALOG',
    'SELECT ON ALL_CONSTRAINTS',
    'SELECT ON ALL_CONS_COLUMNS',
    'SELECT ON ALL_TAB_COLS',
    'SELECT ON ALL_IND_COLUMNS',
    'SELECT ON ALL_ENCRYPTED_COLUMNS',
    'SELECT ON ALL_LOG_GROUPS',
    'SELECT ON ALL_TAB_PARTITIONS',
    'SELECT ON SYS.DBA_REGISTRY',
    'SELECT ON SYS.OBJ$',
    'SELECT ON DBA_TABLESPACES',
    'SELECT ON DBA_TYPES',
  ],
  /** Same section, conditional: older than 11.2.0.3, TDE, RAC, Data Guard standby, LOB validation, views. */
  selfManagedConditional: [
    'SELECT ON DBA_OBJECTS',
    'SELECT ON SYS.ENC$',
    'SELECT ON GV_$TRANSACTION',
    'SELECT ON V_$DATAGUARD_STATS',
    'EXECUTE ON SYS.DBMS_CRYPTO',
    'SELECT ON ALL_VIEWS',
  ],
  /** "Account privileges required when using Oracle LogMiner to access the redo logs" (ORACLE_GUIDE.logMinerPrivileges). */
  logMiner: ['EXECUTE ON DBMS_LOGMNR', 'SELECT ON V_$LOGMNR_LOGS', 'SELECT ON V_$LOGMNR_CONTENTS', 'LOGMINING'],
  /**
   * "Account privileges required when using AWS DMS Binary Reader to access the redo logs" (ORACLE_GUIDE.binaryReaderPrivileges),
   * plus SYS.DBA_DIRECTORIES ("if you use binary reader instead of LogMiner", self-managed privileges).
   */
  binaryReader: ['SELECT ON V_$TRANSPORTABLE_PLATFORM', 'CREATE ANY DIRECTORY', 'EXECUTE ON DBMS_FILE_TRANSFER', 'EXECUTE ON DBMS_FILE_GROUP', 'SELECT ON SYS.DBA_DIRECTORIES'],
  /** "User account privileges required on an AWS-managed Oracle source": plain GRANTs (ORACLE_GUIDE.rdsPrivileges). */
  rdsGrants: ['CREATE SESSION', 'SELECT ANY TRANSACTION', 'SELECT ON DBA_TABLESPACES', 'EXECUTE ON RDSADMIN.RDSADMIN_UTIL', 'LOGMINING'],
  /** Same section: `rdsadmin.rdsadmin_util.grant_sys_object(object, user, privilege)` calls, as 'PRIVILEGE OBJECT'. */
  rdsSysObjects: [
    'SELECT ALL_VIEWS',
    'SELECT ALL_TAB_PARTITIONS',
    'SELECT ALL_INDEXES',
    'SELECT ALL_OBJECTS',
    'SELECT ALL_TABLES',
    'SELECT ALL_USERS',
    'SELECT ALL_CATALOG',
    'SELECT ALL_CONSTRAINTS',
    'SELECT ALL_CONS_COLUMNS',
    'SELECT ALL_TAB_COLS',
    'SELECT ALL_IND_COLUMNS',
    'SELECT ALL_LOG_GROUPS',
    'SELECT V_$ARCHIVED_LOG',
    'SELECT V_$LOG',
    'SELECT V_$LOGFILE',
    'SELECT V_$DATABASE',
    'SELECT V_$THREAD',
    'SELECT V_$PARAMETER',
    'SELECT V_$NLS_PARAMETERS',
    'SELECT V_$TIMEZONE_NAMES',
    'SELECT V_$TRANSACTION',
    'SELECT V_$CONTAINERS',
    'SELECT DBA_REGISTRY',
    'SELECT OBJ$',
    'SELECT ALL_ENCRYPTED_COLUMNS',
    'SELECT V_$LOGMNR_LOGS',
    'SELECT V_$LOGMNR_CONTENTS',
    'EXECUTE DBMS_LOGMNR',
    'SELECT REGISTRY$SQLPATCH',
  ],
  /** Same section, conditional: ADG standby, TDE, LOB validation, Data Guard stats. */
  rdsSysObjectsConditional: ['SELECT V_$STANDBY_LOG', 'SELECT ENC$', 'EXECUTE DBMS_CRYPTO', 'SELECT V_$DATAGUARD_STATS'],
  /**
   * RDS Binary Reader: `SELECT DBA_DIRECTORIES` through grant_sys_object ("for binary reader"), and READ on the two
   * directories rdsadmin_master_util creates ("Configuring a CDC task to use Binary Reader with an RDS for Oracle
   * source", step 2).
   */
  rdsBinaryReader: ['SELECT DBA_DIRECTORIES', 'READ ON DIRECTORY ONLINELOG_DIR', 'READ ON DIRECTORY ARCHIVELOG_DIR'],
} as const;
