import { all, found, mustBe, mustBeAtLeast, mustBeSet, Rule, violation } from '../rule';
import { blocks, isSet, literalNumber, literalString, StackIndex, TfResource } from '../tf';

const DB = ['aws_db_instance', 'aws_rds_cluster'];

const engineOf = (r: TfResource): string => literalString(r.attrs.engine) ?? 'postgres';
const isMysql = (engine: string) => /mysql|mariadb/.test(engine);

/** Parameters of a created parameter group, by name. */
function parameters(group: TfResource): Map<string, string> {
  return new Map(blocks(group.attrs.parameter).map((p) => [String(p.name), String(p.value)]));
}

/** The created parameter group an instance or cluster is attached to, if any. */
export function parameterGroupOf(stack: StackIndex, db: TfResource): TfResource | undefined {
  return db.type === 'aws_rds_cluster'
    ? stack.target(db.attrs.db_cluster_parameter_group_name, 'aws_rds_cluster_parameter_group')
    : stack.target(db.attrs.parameter_group_name, 'aws_db_parameter_group');
}

/** Instance memory (GiB) by size; memory-optimised classes (r*, x*) have twice as much. */
const SIZE_GIB: Record<string, number> = {
  micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, '2xlarge': 32, '4xlarge': 64, '8xlarge': 128, '12xlarge': 192, '16xlarge': 256, '24xlarge': 384,
};

/** RDS's default max_connections for an instance class we know (see connectionBudget); undefined otherwise. */
function classBudget(instanceClass: string | undefined, engine: string): number | undefined {
  const m = instanceClass ? /^db\.([a-z]+)\d+[a-z]*\.(\w+)$/.exec(instanceClass) : null;
  if (!m || SIZE_GIB[m[2]] === undefined) return undefined;
  const gib = SIZE_GIB[m[2]] * (/^[rx]/.test(m[1]) ? 2 : 1);
  const perConnection = isMysql(engine) ? 12582880 : 9531392;
  return Math.min(5000, Math.floor((gib * 1024 ** 3 * 0.9) / perConnection));
}

/**
 * Estimated default max_connections of a database: an explicit `max_connections` parameter wins; else RDS's
 * formula (PostgreSQL LEAST(DBInstanceClassMemory/9531392, 5000), MySQL DBInstanceClassMemory/12582880) with
 * DBInstanceClassMemory ~90% of the class memory. Undefined when the class is not a literal we know.
 * An Aurora cluster gets its smallest member's budget: a failover promotes a reader to writer ("If the DB cluster
 * has one or more reader instances, then a reader is promoted to the primary instance during a failure event",
 * Aurora User Guide, "Failing over an Amazon Aurora DB cluster", aurora-failover.html), so the smallest member may
 * end up taking the writers' connections.
 */
export function connectionBudget(stack: StackIndex, db: TfResource): number | undefined {
  const group = parameterGroupOf(stack, db);
  const explicit = group ? literalNumber(parameters(group).get('max_connections')) : undefined;
  if (explicit !== undefined) return explicit;
  if (db.type !== 'aws_rds_cluster') return classBudget(literalString(db.attrs.instance_class), engineOf(db));
  const members = stack.referencing('aws_rds_cluster_instance', 'cluster_identifier', db, 'cluster_identifier');
  const budgets = members.map((m) => classBudget(literalString(m.attrs.instance_class), engineOf(db))).filter((b): b is number => b !== undefined);
  return budgets.length ? Math.min(...budgets) : undefined;
}

export const rdsRules: Rule[] = [
  {
    id: 'RDS-ENCRYPT',
    summary: 'storage_encrypted = true (kms_key_id set where a CMK is given)',
    types: DB,
    check: (r) =>
      all(
        mustBe(r.attrs, 'storage_encrypted', true, 'set storage_encrypted = true and kms_key_id to a customer-managed key (newKmsKey)'),
        'kms_key_id' in r.attrs ? mustBeSet(r.attrs, 'kms_key_id', 'give kms_key_id a CMK ARN or remove the empty attribute') : undefined,
      ),
  },
  {
    id: 'RDS-PRIVATE',
    summary: 'publicly_accessible = false; db_subnet_group_name set (Aurora: on the cluster and its instances)',
    types: ['aws_db_instance', 'aws_rds_cluster', 'aws_rds_cluster_instance'],
    check: (r) =>
      all(
        r.type === 'aws_rds_cluster' ? undefined : mustBe(r.attrs, 'publicly_accessible', false, 'set publicly_accessible = false explicitly'),
        r.type === 'aws_rds_cluster_instance' ? undefined : mustBeSet(r.attrs, 'db_subnet_group_name', 'place the database in a DB subnet group of private subnets (db_subnet_group_name)'),
      ),
  },
  {
    id: 'RDS-BACKUP',
    summary: 'backup_retention_period >= 7',
    types: DB,
    check: (r) => all(mustBeAtLeast(r.attrs, 'backup_retention_period', 7, 'set backup_retention_period to 7 days or more')),
  },
  {
    id: 'RDS-DELETE-PROTECT',
    summary: 'deletion_protection = true; skip_final_snapshot not true',
    types: DB,
    productionOnly: true,
    check: (r) =>
      all(
        mustBe(r.attrs, 'deletion_protection', true, 'set deletion_protection = true in production'),
        r.attrs.skip_final_snapshot === undefined || r.attrs.skip_final_snapshot === false || r.attrs.skip_final_snapshot === 'false'
          ? undefined
          : violation(`skip_final_snapshot is ${found(r.attrs.skip_final_snapshot)}`, 'set skip_final_snapshot = false with a final_snapshot_identifier in production'),
      ),
  },
  {
    id: 'RDS-HA',
    summary: 'multi_az = true (Aurora: at least two cluster instances)',
    types: ['aws_db_instance', 'aws_rds_cluster'],
    productionOnly: true,
    check: (r, { stack }) => {
      if (r.type === 'aws_db_instance') return all(mustBe(r.attrs, 'multi_az', true, 'set multi_az = true in production'));
      const members = stack.referencing('aws_rds_cluster_instance', 'cluster_identifier', r, 'cluster_identifier').length;
      return members >= 2 ? [] : [violation(`the cluster has ${members} aws_rds_cluster_instance(s)`, 'add a second cluster instance (a reader in another AZ) in production')];
    },
  },
  {
    id: 'RDS-IAM-AUTH',
    summary: 'iam_database_authentication_enabled = true',
    types: DB,
    check: (r) => all(mustBe(r.attrs, 'iam_database_authentication_enabled', true, 'set iam_database_authentication_enabled = true')),
  },
  {
    id: 'RDS-FORCE-SSL',
    summary: 'a created parameter group is attached with rds.force_ssl = 1 (MySQL: require_secure_transport)',
    types: DB,
    check: (r, { stack }) => {
      const engine = engineOf(r);
      const [param, accepted] = isMysql(engine) ? ['require_secure_transport', ['1', 'ON']] : ['rds.force_ssl', ['1']];
      const attr = r.type === 'aws_rds_cluster' ? 'db_cluster_parameter_group_name' : 'parameter_group_name';
      const groupType = r.type === 'aws_rds_cluster' ? 'aws_rds_cluster_parameter_group' : 'aws_db_parameter_group';
      const group = parameterGroupOf(stack, r);
      if (!group) {
        return [violation(`${attr} is ${found(r.attrs[attr])}, not a ${groupType} created in this stack`, `create a ${groupType} with ${param} = 1 and attach it (${attr} = its name)`)];
      }
      const value = parameters(group).get(param);
      return value !== undefined && accepted.includes(value.toUpperCase())
        ? []
        : [violation(`parameter group ${group.address} has ${param} = ${value ?? 'absent'}`, `add parameter { name = "${param}", value = "1" } to ${group.address}`)];
    },
  },
  {
    id: 'RDS-LOGS',
    summary: 'enabled_cloudwatch_logs_exports includes postgresql (MySQL/SQL Server: error)',
    types: DB,
    check: (r) => {
      const engine = engineOf(r);
      const needed = /postgres/.test(engine) ? 'postgresql' : 'error';
      const exports = r.attrs.enabled_cloudwatch_logs_exports;
      return Array.isArray(exports) && exports.includes(needed)
        ? []
        : [violation(`enabled_cloudwatch_logs_exports is ${found(exports)}; must be a literal list including "${needed}"`, `set enabled_cloudwatch_logs_exports = ["${needed}"${needed === 'postgresql' ? ', "upgrade"' : ''}]`)];
    },
  },
  {
    id: 'RDS-PATCH',
    summary: 'copy_tags_to_snapshot = true; auto_minor_version_upgrade = true (Aurora: cluster / instances)',
    types: ['aws_db_instance', 'aws_rds_cluster', 'aws_rds_cluster_instance'],
    check: (r) =>
      all(
        r.type === 'aws_rds_cluster_instance' ? undefined : mustBe(r.attrs, 'copy_tags_to_snapshot', true, 'set copy_tags_to_snapshot = true'),
        r.type === 'aws_rds_cluster' ? undefined : mustBe(r.attrs, 'auto_minor_version_upgrade', true, 'set auto_minor_version_upgrade = true'),
      ),
  },
  {
    id: 'RDS-NO-PLAINTEXT-PW',
    summary: 'no password/master_password; manage_master_user_password = true or a write-only password',
    types: DB,
    check: (r) => {
      const [pw, wo] = r.type === 'aws_rds_cluster' ? ['master_password', 'master_password_wo'] : ['password', 'password_wo'];
      const out = [];
      if (pw in r.attrs) out.push(violation(`${pw} is set (${r.attrs[pw] === '' ? 'empty' : 'value hidden'}); it lands in Terraform state`, `remove ${pw}; set manage_master_user_password = true`));
      // Replicas and snapshot restores inherit their credentials.
      const inherits = isSet(r.attrs.replicate_source_db) || isSet(r.attrs.snapshot_identifier) || isSet(r.attrs.replication_source_identifier);
      if (!inherits && !(r.attrs.manage_master_user_password === true || r.attrs.manage_master_user_password === 'true') && !isSet(r.attrs[wo])) {
        out.push(violation(`manage_master_user_password is ${found(r.attrs.manage_master_user_password)} and ${wo} is not set`, 'set manage_master_user_password = true (RDS keeps the password in Secrets Manager)'));
      }
      return out;
    },
  },
];
