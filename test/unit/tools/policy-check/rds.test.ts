import { connectionBudget } from '../../../../tools/policy-check/rules/rds';
import { StackIndex } from '../../../../tools/policy-check/tf';
import { cases, findingsOf, messagesOf, Resources, stackJson, TOKEN, withAttrs } from './helpers';

const goodInstance = {
  engine: 'postgres',
  instance_class: 'db.t4g.medium',
  storage_encrypted: true,
  kms_key_id: TOKEN,
  publicly_accessible: false,
  db_subnet_group_name: '${aws_db_subnet_group.subnets.name}',
  backup_retention_period: 7,
  deletion_protection: true,
  skip_final_snapshot: false,
  multi_az: true,
  iam_database_authentication_enabled: true,
  parameter_group_name: '${aws_db_parameter_group.params.name}',
  enabled_cloudwatch_logs_exports: ['postgresql', 'upgrade'],
  copy_tags_to_snapshot: true,
  auto_minor_version_upgrade: true,
  manage_master_user_password: true,
};
const params = { family: 'postgres17', parameter: [{ name: 'rds.force_ssl', value: '1', apply_method: 'pending-reboot' }] };

function db(changes: Record<string, unknown> = {}, group: Record<string, unknown> = params): Resources {
  return { aws_db_instance: { db: withAttrs(goodInstance, changes) }, aws_db_parameter_group: { params: group as never } };
}

const RDS_RULES = ['RDS-ENCRYPT', 'RDS-PRIVATE', 'RDS-BACKUP', 'RDS-DELETE-PROTECT', 'RDS-HA', 'RDS-IAM-AUTH', 'RDS-FORCE-SSL', 'RDS-LOGS', 'RDS-PATCH', 'RDS-NO-PLAINTEXT-PW'];

describe('RDS rules', () => {
  test.each(RDS_RULES)('%s passes a compliant production instance', (rule) => {
    expect(findingsOf(rule, db(), { production: true })).toEqual([]);
  });

  test.each(cases([
    ['RDS-ENCRYPT', { storage_encrypted: undefined }, /storage_encrypted is absent; must be the literal true/],
    ['RDS-ENCRYPT', { storage_encrypted: false }, /storage_encrypted is false/],
    ['RDS-ENCRYPT', { storage_encrypted: '${var.encrypted}' }, /storage_encrypted is an expression resolved only at plan/],
    ['RDS-ENCRYPT', { kms_key_id: '' }, /kms_key_id is not set/],
    ['RDS-PRIVATE', { publicly_accessible: undefined }, /publicly_accessible is absent; must be the literal false/],
    ['RDS-PRIVATE', { publicly_accessible: true }, /publicly_accessible is true/],
    ['RDS-PRIVATE', { db_subnet_group_name: undefined }, /db_subnet_group_name is not set/],
    ['RDS-BACKUP', { backup_retention_period: 1 }, /backup_retention_period is 1; must be a literal number >= 7/],
    ['RDS-BACKUP', { backup_retention_period: undefined }, /backup_retention_period is absent/],
    ['RDS-BACKUP', { backup_retention_period: '${var.days}' }, /expression resolved only at plan/],
    ['RDS-IAM-AUTH', { iam_database_authentication_enabled: undefined }, /iam_database_authentication_enabled is absent/],
    ['RDS-LOGS', { enabled_cloudwatch_logs_exports: ['upgrade'] }, /must be a literal list including "postgresql"/],
    ['RDS-LOGS', { enabled_cloudwatch_logs_exports: undefined }, /enabled_cloudwatch_logs_exports is absent/],
    ['RDS-LOGS', { engine: 'mysql', parameter_group_name: undefined }, /including "error"/],
    ['RDS-PATCH', { copy_tags_to_snapshot: undefined }, /copy_tags_to_snapshot is absent/],
    ['RDS-PATCH', { auto_minor_version_upgrade: false }, /auto_minor_version_upgrade is false/],
    ['RDS-NO-PLAINTEXT-PW', { password: 'hunter22' }, /password is set \(value hidden\); it lands in Terraform state/],
    ['RDS-NO-PLAINTEXT-PW', { manage_master_user_password: undefined }, /manage_master_user_password is absent and password_wo is not set/],
    ['RDS-FORCE-SSL', { parameter_group_name: undefined }, /parameter_group_name is absent, not a aws_db_parameter_group created in this stack/],
    ['RDS-FORCE-SSL', { parameter_group_name: 'default.postgres17' }, /parameter_group_name is "default.postgres17"/],
  ] as const))('%s fails when %s', (rule, _, changes, message) => {
    expect(messagesOf(rule, db(changes))).toMatch(message);
  });

  test.each([
    ['RDS-ENCRYPT', { storage_encrypted: false }, 'set storage_encrypted = true and kms_key_id to a customer-managed key (newKmsKey)'],
    ['RDS-ENCRYPT', { kms_key_id: '' }, 'give kms_key_id a CMK ARN or remove the empty attribute'],
    ['RDS-PRIVATE', { publicly_accessible: true }, 'set publicly_accessible = false explicitly'],
    ['RDS-PRIVATE', { db_subnet_group_name: undefined }, 'place the database in a DB subnet group of private subnets (db_subnet_group_name)'],
    ['RDS-BACKUP', { backup_retention_period: 1 }, 'set backup_retention_period to 7 days or more'],
    ['RDS-DELETE-PROTECT', { deletion_protection: false }, 'set deletion_protection = true in production'],
    ['RDS-HA', { multi_az: false }, 'set multi_az = true in production'],
    ['RDS-IAM-AUTH', { iam_database_authentication_enabled: false }, 'set iam_database_authentication_enabled = true'],
    ['RDS-PATCH', { copy_tags_to_snapshot: false }, 'set copy_tags_to_snapshot = true'],
    ['RDS-PATCH', { auto_minor_version_upgrade: false }, 'set auto_minor_version_upgrade = true'],
  ] as const)('%s on %j names its fix', (rule, changes, fix) => {
    expect(findingsOf(rule, db(changes), { production: true }).map((f) => f.fix)).toEqual([fix]);
  });

  test('fails when the attached parameter group does not force SSL', () => {
    expect(messagesOf('RDS-FORCE-SSL', db({}, { family: 'postgres17', parameter: [{ name: 'rds.force_ssl', value: '0' }] }))).toMatch(
      /aws_db_parameter_group.params has rds.force_ssl = 0 -> add parameter \{ name = "rds.force_ssl", value = "1" \}/,
    );
    expect(messagesOf('RDS-FORCE-SSL', db({}, { family: 'postgres17' }))).toMatch(/rds.force_ssl = absent/);
  });

  test('MySQL instances need require_secure_transport instead', () => {
    const mysql = { family: 'mysql8.0', parameter: [{ name: 'require_secure_transport', value: 'ON' }] };
    expect(findingsOf('RDS-FORCE-SSL', db({ engine: 'mysql' }, mysql))).toEqual([]);
    expect(messagesOf('RDS-FORCE-SSL', db({ engine: 'mysql' }))).toMatch(/require_secure_transport = absent/);
  });

  test('a write-only password or a replica satisfies RDS-NO-PLAINTEXT-PW', () => {
    expect(findingsOf('RDS-NO-PLAINTEXT-PW', db({ manage_master_user_password: undefined, password_wo: '${ephemeral.pw.value}' }))).toEqual([]);
    expect(findingsOf('RDS-NO-PLAINTEXT-PW', db({ manage_master_user_password: undefined, replicate_source_db: '${aws_db_instance.primary.identifier}' }))).toEqual([]);
  });

  test('an instance without an engine attribute is checked as PostgreSQL (the provider\'s default here)', () => {
    expect(findingsOf('RDS-FORCE-SSL', db({ engine: undefined }))).toEqual([]);
    expect(messagesOf('RDS-LOGS', db({ engine: undefined, enabled_cloudwatch_logs_exports: ['error'] }))).toMatch(/including "postgresql" -> set enabled_cloudwatch_logs_exports = \["postgresql", "upgrade"\]/);
  });

  test('MariaDB is checked like MySQL: require_secure_transport (ON in any case) and the error log', () => {
    const mariadb = (value: string) => db({ engine: 'mariadb', enabled_cloudwatch_logs_exports: ['error'] }, { family: 'mariadb10.11', parameter: [{ name: 'require_secure_transport', value }] });
    expect(findingsOf('RDS-FORCE-SSL', mariadb('on'))).toEqual([]);
    expect(findingsOf('RDS-FORCE-SSL', mariadb('1'))).toEqual([]);
    expect(messagesOf('RDS-FORCE-SSL', mariadb('OFF'))).toMatch(/has require_secure_transport = OFF -> add parameter \{ name = "require_secure_transport", value = "1" \}/);
    expect(findingsOf('RDS-LOGS', mariadb('ON'))).toEqual([]);
    expect(messagesOf('RDS-LOGS', db({ engine: 'mariadb', enabled_cloudwatch_logs_exports: ['postgresql'] }))).toMatch(/including "error" -> set enabled_cloudwatch_logs_exports = \["error"\]$/);
  });

  test('RDS-LOGS needs a literal list: an expression fails even when its text mentions postgresql', () => {
    expect(messagesOf('RDS-LOGS', db({ enabled_cloudwatch_logs_exports: '${var.postgresql_exports}' }))).toMatch(/enabled_cloudwatch_logs_exports is an expression resolved only at plan/);
  });

  test('rds.force_ssl must be 1: "ON" is not a value PostgreSQL takes for it', () => {
    expect(messagesOf('RDS-FORCE-SSL', db({}, { family: 'postgres17', parameter: [{ name: 'rds.force_ssl', value: 'ON' }] }))).toMatch(/rds.force_ssl = ON/);
  });

  test('RDS-ENCRYPT accepts an encrypted instance without kms_key_id (the AWS-managed key)', () => {
    expect(findingsOf('RDS-ENCRYPT', db({ kms_key_id: undefined }))).toEqual([]);
  });

  test('RDS-DELETE-PROTECT accepts skip_final_snapshot absent or false (also the string "false"), and fails an expression', () => {
    for (const skip of [undefined, false, 'false']) expect(findingsOf('RDS-DELETE-PROTECT', db({ skip_final_snapshot: skip }), { production: true })).toEqual([]);
    expect(messagesOf('RDS-DELETE-PROTECT', db({ skip_final_snapshot: '${var.skip}' }), { production: true })).toMatch(
      /skip_final_snapshot is an expression resolved only at plan .* -> set skip_final_snapshot = false with a final_snapshot_identifier in production/,
    );
  });

  test('RDS-NO-PLAINTEXT-PW: an empty password is still reported; snapshot restores and cross-region replicas inherit their credentials', () => {
    expect(messagesOf('RDS-NO-PLAINTEXT-PW', db({ password: '' }))).toMatch(/password is set \(empty\); it lands in Terraform state -> remove password; set manage_master_user_password = true/);
    expect(findingsOf('RDS-NO-PLAINTEXT-PW', db({ manage_master_user_password: undefined, snapshot_identifier: 'snap-1' }))).toEqual([]);
    expect(findingsOf('RDS-NO-PLAINTEXT-PW', db({ manage_master_user_password: 'true' }))).toEqual([]);
    expect(messagesOf('RDS-NO-PLAINTEXT-PW', db({ manage_master_user_password: false }))).toMatch(
      /manage_master_user_password is false and password_wo is not set -> set manage_master_user_password = true \(RDS keeps the password in Secrets Manager\)/,
    );
  });

  test('connection budget of a MySQL instance uses MySQL\'s per-connection memory, and is capped at 5000', () => {
    const budget = (changes: Record<string, unknown>) => {
      const stack = new StackIndex('s', stackJson(db(changes)));
      return connectionBudget(stack, stack.get('aws_db_instance.db')!);
    };
    // db.t4g.medium: 4 GiB * 0.9 / 12582880 = 307 (MySQL), / 9531392 = 405 (PostgreSQL).
    expect(budget({ engine: 'mysql' })).toBe(307);
    // Memory-optimised classes (r*, x*) have twice the memory of the same size: db.x2g.large 16 GiB, db.m7g.large 8 GiB.
    expect(budget({ instance_class: 'db.x2g.large' })).toBe(1622);
    expect(budget({ instance_class: 'db.m7g.large' })).toBe(811);
    expect(budget({ instance_class: 'db.m7g.4xlarge' })).toBe(5000);
    // Generations without a suffix letter, or with several (db.m5, db.r6gd), are read too.
    expect(budget({ instance_class: 'db.m5.large' })).toBe(811);
    expect(budget({ instance_class: 'db.r6gd.large' })).toBe(1622);
    // An Oracle class with a CPU/memory option (db.r5.large.tpc2.mem4x: four times the memory) is not a class we know.
    expect(budget({ instance_class: 'db.r5.large.tpc2.mem4x' })).toBeUndefined();
    expect(budget({ instance_class: 'db.t4g.huge' })).toBeUndefined();
    expect(budget({ instance_class: 'xdb.t4g.medium' })).toBeUndefined();
  });

  describe('production-only rules', () => {
    test.each(cases([
      ['RDS-DELETE-PROTECT', { deletion_protection: false }, /deletion_protection is false/],
      ['RDS-DELETE-PROTECT', { deletion_protection: undefined }, /deletion_protection is absent/],
      ['RDS-DELETE-PROTECT', { skip_final_snapshot: true }, /skip_final_snapshot is true/],
      ['RDS-HA', { multi_az: undefined }, /multi_az is absent; must be the literal true/],
      ['RDS-HA', { multi_az: '${var.multi_az}' }, /multi_az is an expression/],
    ] as const))('%s fails in production when %s', (rule, _, changes, message) => {
      expect(messagesOf(rule, db(changes), { production: true })).toMatch(message);
    });

    test('do not run outside production', () => {
      expect(findingsOf('RDS-HA', db({ multi_az: false }))).toEqual([]);
      expect(findingsOf('RDS-DELETE-PROTECT', db({ deletion_protection: false, skip_final_snapshot: true }))).toEqual([]);
    });
  });

  describe('Aurora clusters', () => {
    const cluster = {
      engine: 'aurora-postgresql',
      db_subnet_group_name: '${aws_db_subnet_group.s.name}',
      iam_database_authentication_enabled: true,
      enabled_cloudwatch_logs_exports: ['postgresql'],
      copy_tags_to_snapshot: true,
      storage_encrypted: true,
      kms_key_id: TOKEN,
      backup_retention_period: 7,
      manage_master_user_password: true,
      db_cluster_parameter_group_name: '${aws_rds_cluster_parameter_group.cp.name}',
      deletion_protection: true,
    };
    const cp = { family: 'aurora-postgresql16', parameter: [{ name: 'rds.force_ssl', value: '1' }] };

    const member = { cluster_identifier: '${aws_rds_cluster.c.id}', instance_class: 'db.r7g.large', publicly_accessible: false, auto_minor_version_upgrade: true };
    const aurora = (c: Record<string, unknown> = {}, members = 2): Resources => ({
      aws_rds_cluster: { c: withAttrs(cluster, c) },
      aws_rds_cluster_parameter_group: { cp },
      aws_rds_cluster_instance: Object.fromEntries([...Array(members).keys()].map((i) => [`i${i}`, member])),
    });

    test.each(RDS_RULES)('%s passes a compliant production cluster', (rule) => {
      expect(findingsOf(rule, aurora(), { production: true })).toEqual([]);
    });

    test.each(cases([
      ['RDS-PRIVATE', { db_subnet_group_name: undefined }, /aws_rds_cluster.c: db_subnet_group_name is not set/],
      ['RDS-IAM-AUTH', { iam_database_authentication_enabled: false }, /iam_database_authentication_enabled is false/],
      ['RDS-LOGS', { enabled_cloudwatch_logs_exports: [] }, /including "postgresql"/],
      ['RDS-PATCH', { copy_tags_to_snapshot: undefined }, /aws_rds_cluster.c: copy_tags_to_snapshot is absent/],
    ] as const))('%s fails on a cluster when %s', (rule, _, c, message) => {
      expect(messagesOf(rule, aurora(c), { production: true })).toMatch(message);
    });

    test('fails when a cluster instance is public or not patched', () => {
      const resources = aurora();
      resources.aws_rds_cluster_instance.i1 = withAttrs(member, { publicly_accessible: true, auto_minor_version_upgrade: undefined });
      expect(messagesOf('RDS-PRIVATE', resources)).toMatch(/aws_rds_cluster_instance.i1: publicly_accessible is true/);
      expect(messagesOf('RDS-PATCH', resources)).toMatch(/aws_rds_cluster_instance.i1: auto_minor_version_upgrade is absent/);
    });

    test('fails in production when the cluster has a single instance', () => {
      expect(messagesOf('RDS-HA', aurora({}, 1), { production: true })).toMatch(/the cluster has 1 aws_rds_cluster_instance\(s\) -> add a second cluster instance/);
      expect(findingsOf('RDS-HA', aurora({}, 1))).toEqual([]);
    });

    test('connection budget of a cluster is its smallest member\'s: a failover may make any reader the writer', () => {
      const budgetOf = (classes: string[]) => {
        const resources = aurora({}, classes.length);
        classes.forEach((c, i) => (resources.aws_rds_cluster_instance[`i${i}`] = withAttrs(member, { instance_class: c })));
        const stack = new StackIndex('s', stackJson(resources));
        return connectionBudget(stack, stack.get('aws_rds_cluster.c')!);
      };
      // db.t4g.medium: 4 GiB -> 405; db.r7g.large: 16 GiB -> 1622; db.r7g.2xlarge: 64 GiB -> 5000 (the cap).
      expect(budgetOf(['db.r7g.large', 'db.t4g.medium'])).toBe(405);
      expect(budgetOf(['db.r7g.large', 'db.r7g.2xlarge'])).toBe(1622);
      expect(budgetOf(['db.r7g.2xlarge', 'db.r7g.2xlarge'])).toBe(5000);
      // A member that names its cluster by identifier (not by reference) counts too.
      const byName = aurora({}, 1);
      byName.aws_rds_cluster.c = { ...byName.aws_rds_cluster.c, cluster_identifier: 'demo-staging-db' };
      byName.aws_rds_cluster_instance.i0 = withAttrs(member, { instance_class: 'db.t4g.medium', cluster_identifier: 'demo-staging-db' });
      const byNameStack = new StackIndex('s', stackJson(byName));
      expect(connectionBudget(byNameStack, byNameStack.get('aws_rds_cluster.c')!)).toBe(405);
      // A member whose class is not a literal does not count; none known: no budget.
      expect(budgetOf([TOKEN, 'db.r7g.large'])).toBe(1622);
      expect(budgetOf([TOKEN])).toBeUndefined();
    });

    test('RDS-FORCE-SSL on a cluster without a cluster parameter group of this stack names the cluster attribute and type', () => {
      expect(messagesOf('RDS-FORCE-SSL', aurora({ db_cluster_parameter_group_name: 'default.aurora-postgresql16' }))).toMatch(
        /aws_rds_cluster.c: db_cluster_parameter_group_name is "default.aurora-postgresql16", not a aws_rds_cluster_parameter_group created in this stack -> create a aws_rds_cluster_parameter_group with rds.force_ssl = 1 and attach it \(db_cluster_parameter_group_name = its name\)/,
      );
    });

    test('RDS-NO-PLAINTEXT-PW on a cluster: a write-only master password or a replication source is enough', () => {
      expect(findingsOf('RDS-NO-PLAINTEXT-PW', aurora({ manage_master_user_password: undefined, master_password_wo: '${ephemeral.pw.value}' }))).toEqual([]);
      expect(findingsOf('RDS-NO-PLAINTEXT-PW', aurora({ manage_master_user_password: undefined, replication_source_identifier: 'arn:aws:rds:eu-west-1:1:cluster:src' }))).toEqual([]);
      expect(messagesOf('RDS-NO-PLAINTEXT-PW', aurora({ manage_master_user_password: undefined, password_wo: '${ephemeral.pw.value}' }))).toMatch(/master_password_wo is not set/);
    });

    test('RDS-HA counts cluster instances that name the cluster by its literal identifier', () => {
      const resources = aurora({ cluster_identifier: 'demo-production-db' }, 1);
      resources.aws_rds_cluster_instance.i1 = withAttrs(member, { cluster_identifier: 'demo-production-db' });
      expect(findingsOf('RDS-HA', resources, { production: true })).toEqual([]);
      expect(messagesOf('RDS-HA', aurora({ cluster_identifier: 'demo-production-db' }, 0), { production: true })).toMatch(/the cluster has 0 aws_rds_cluster_instance\(s\)/);
    });

    test('fails when the cluster has a master_password', () => {
      expect(messagesOf('RDS-NO-PLAINTEXT-PW', { aws_rds_cluster: { c: withAttrs(cluster, { master_password: '${random_password.p.result}' }) } })).toMatch(
        /master_password is set/,
      );
    });
  });

  test('connection budget follows the instance class, or an explicit max_connections', () => {
    const stack = new StackIndex('s', stackJson(db()));
    expect(connectionBudget(stack, stack.get('aws_db_instance.db')!)).toBe(405);
    const explicit = new StackIndex('s', stackJson(db({}, { parameter: [{ name: 'max_connections', value: '50' }] })));
    expect(connectionBudget(explicit, explicit.get('aws_db_instance.db')!)).toBe(50);
    const r = new StackIndex('s', stackJson(db({ instance_class: 'db.r7g.large' })));
    expect(connectionBudget(r, r.get('aws_db_instance.db')!)).toBe(1622);
    const unknown = new StackIndex('s', stackJson(db({ instance_class: TOKEN })));
    expect(connectionBudget(unknown, unknown.get('aws_db_instance.db')!)).toBeUndefined();
  });
});
