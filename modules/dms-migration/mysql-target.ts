import { Construct } from 'constructs';
import { isResolved, ValidationError } from '../core';
import { DatabaseEndpointBase, DatabaseEndpointProps } from './endpoints';

/**
 * DMS User Guide, "Using a MySQL-compatible database as a target for AWS Database Migration Service": prerequisites
 * (the DMS login's grants, `awsdms_control`), limitations and the endpoint settings this file sets.
 */
export const MYSQL_TARGET_GUIDE = 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.MySQL.html';

/** Where the source schemas land (MySqlSettings.TargetDbType, https://docs.aws.amazon.com/dms/latest/APIReference/API_MySQLSettings.html). */
export type MySqlTargetDbType = 'specific-database' | 'multiple-databases';

/** Keys this endpoint sets itself; `extraConnectionAttributes` must not set them a second time. */
const MANAGED_ATTRIBUTES = ['targetDbType', 'parallelLoadThreads', 'maxFileSize', 'initstmt', 'afterConnectScript'] as const;

export interface MySqlTargetEndpointProps extends DatabaseEndpointProps {
  /** @default 'mysql' (RDS for MySQL, MariaDB, self-managed MySQL); 'aurora' for Aurora MySQL */
  readonly engine?: 'mysql' | 'aurora';
  /** @default 3306 */
  readonly port?: number;
  /**
   * `specific-database`: every source schema is written into `databaseName`. `multiple-databases` (DMS's own default):
   * each source schema becomes a database of the same name (MySQL has no schemas inside a database).
   * @default 'specific-database' with `databaseName`, else 'multiple-databases'
   */
  readonly targetDbType?: MySqlTargetDbType;
  /**
   * Threads that load each table during full load (`parallelLoadThreads`); each one is a separate connection, so a
   * large number can slow the target down. AWS documents 1-5. @default 1 (DMS's default; not emitted)
   */
  readonly parallelLoadThreads?: number;
  /**
   * Largest .csv file DMS writes to load data into the target (`maxFileSize`, KB): 1 to 1048576.
   * @default DMS's default, 32768 KB (not emitted)
   */
  readonly maxFileSizeKiB?: number;
  /**
   * `initstmt=SET FOREIGN_KEY_CHECKS=0`: the guide's prerequisite for full load ("you must disable foreign keys on
   * your target tables"), since DMS loads tables in parallel and in no parent-first order. `false` only when the
   * target tables have no foreign keys. @default true
   */
  readonly disableForeignKeyChecks?: boolean;
  /**
   * SQL DMS runs right after it connects (`afterConnectScript`), e.g. `SET character_set_connection='latin1'`. The
   * task runs on whether it succeeds or fails. No `;` (it separates the attributes).
   */
  readonly afterConnectScript?: string;
}

/**
 * A MySQL / MariaDB / Aurora MySQL target. The DMS login needs the grants in templates/mysql/target-user.sql
 * (the guide's list, plus ALL on `awsdms_control`, where DMS keeps its control tables on MySQL targets). Settings go
 * into extra connection attributes: the AWS provider 5.100.0 that `npm run verify` validates with has no
 * `mysql_settings` block.
 */
export class MySqlTargetEndpoint extends DatabaseEndpointBase {
  readonly endpointType = 'target' as const;
  readonly targetKind = 'database' as const;
  readonly targetDbType: MySqlTargetDbType;

  constructor(scope: Construct, id: string, props: MySqlTargetEndpointProps) {
    const where = `${scope.node.path}/${id}`;
    if (props.engine !== undefined && props.engine !== 'mysql' && props.engine !== 'aurora') {
      throw new ValidationError(where, `engine "${String(props.engine)}" is not a MySQL-compatible DMS target engine this endpoint makes; use 'mysql' (RDS for MySQL, MariaDB, self-managed) or 'aurora' (Aurora MySQL).`);
    }
    const targetDbType = props.targetDbType ?? (props.databaseName ? 'specific-database' : 'multiple-databases');
    if (targetDbType !== 'specific-database' && targetDbType !== 'multiple-databases') {
      throw new ValidationError(where, `targetDbType "${String(targetDbType)}" is not one of specific-database, multiple-databases (${MYSQL_TARGET_GUIDE}).`);
    }
    if (targetDbType === 'specific-database' && !props.databaseName) {
      throw new ValidationError(
        where,
        "targetDbType 'specific-database' writes every source schema into one database, and databaseName names none. Pass databaseName, or targetDbType 'multiple-databases' (each source schema becomes a database).",
      );
    }
    const threads = props.parallelLoadThreads;
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 5)) {
      throw new ValidationError(where, `parallelLoadThreads ${threads} is outside 1-5, the range AWS documents for MySQL targets (${MYSQL_TARGET_GUIDE}); each thread is a connection to the target.`);
    }
    const maxFile = props.maxFileSizeKiB;
    if (maxFile !== undefined && (!Number.isInteger(maxFile) || maxFile < 1 || maxFile > 1048576)) {
      throw new ValidationError(where, `maxFileSizeKiB ${maxFile} is outside 1-1048576 KB, the range of maxFileSize (${MYSQL_TARGET_GUIDE}). Leave it out for DMS's default (32768 KB).`);
    }
    const script = props.afterConnectScript;
    if (script !== undefined && isResolved(script) && (script.includes(';') || script.trim() === '')) {
      throw new ValidationError(
        where,
        `afterConnectScript ${JSON.stringify(script)} is empty or contains ";", which ends an extra connection attribute: DMS would run only the part before it. Pass one statement without ";".`,
      );
    }
    const extra = props.extraConnectionAttributes;
    if (extra && isResolved(extra)) {
      const keys = extra.split(';').map((p) => p.split('=')[0].trim().toLowerCase());
      const clash = MANAGED_ATTRIBUTES.filter((k) => keys.includes(k.toLowerCase()));
      if (clash.length) {
        throw new ValidationError(
          where,
          `extraConnectionAttributes sets ${clash.join(', ')}, which this endpoint sets from its typed props (targetDbType, parallelLoadThreads, maxFileSizeKiB, disableForeignKeyChecks, afterConnectScript); DMS would see the key twice. Use the typed prop instead.`,
        );
      }
    }
    const attributes = [
      `targetDbType=${targetDbType === 'specific-database' ? 'SPECIFIC_DATABASE' : 'MULTIPLE_DATABASES'}`,
      threads !== undefined ? `parallelLoadThreads=${threads}` : undefined,
      maxFile !== undefined ? `maxFileSize=${maxFile}` : undefined,
      props.disableForeignKeyChecks === false ? undefined : 'initstmt=SET FOREIGN_KEY_CHECKS=0',
      script !== undefined ? `afterConnectScript=${script}` : undefined,
    ].filter((a): a is string => a !== undefined);
    super(scope, id, props, {
      engineName: props.engine ?? 'mysql',
      endpointType: 'target',
      defaultPort: 3306,
      extraConnectionAttributes: attributes.join(';'),
    });
    this.targetDbType = targetDbType;
  }
}
