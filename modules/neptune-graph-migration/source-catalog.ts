import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { GlueCrawler } from '@cdktf/provider-aws/lib/glue-crawler';
import { check, IGrantable, isResolved, MigrationStack } from '../core';
import { GlueJdbcConnection, GlueJobRole, GlueSecurityConfiguration } from '../glue-common';

export interface SourceCatalogProps {
  readonly component: string;
  readonly connection: GlueJdbcConnection;
  readonly databaseName: string;
  readonly securityConfiguration: GlueSecurityConfiguration;
  /** Glue cron, e.g. `cron(0 2 * * ? *)`. */
  readonly schedule: string;
  readonly logRetentionDays: number;
}

const GLUE_CRON = /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/;

/**
 * The Glue catalog database of the MySQL source and the scheduled crawler that fills it through the JDBC
 * connection (security configuration attached; schema changes update tables, deletions are only logged).
 */
export class SourceCatalog extends Construct {
  readonly database: GlueCatalogDatabase;
  readonly crawler: GlueCrawler;
  readonly role: GlueJobRole;
  readonly databaseName: string;

  constructor(scope: Construct, id: string, props: SourceCatalogProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    if (isResolved(props.schedule)) {
      check(GLUE_CRON.test(props.schedule), this, `crawler schedule "${props.schedule}" must be a Glue cron expression with six fields, e.g. "cron(0 2 * * ? *)".`);
    }
    this.databaseName = stack.naming.snake(`${props.component}-source`, 'glue');
    this.database = new GlueCatalogDatabase(this, 'database', {
      name: this.databaseName,
      description: `Tables of MySQL database ${props.databaseName}, crawled through ${props.connection.connectionName}`,
    });
    this.role = new GlueJobRole(this, 'role', { component: `${props.component}-crawler`, description: `Crawls MySQL ${props.databaseName} into ${this.databaseName}` });
    this.role.grantConnection(props.connection);
    this.role.once('security-configuration', () => props.securityConfiguration.grantUse(this.role));
    grantCatalogAccess(this.role, this.databaseName, true);
    // Crawler logs under an encrypting security configuration go to /aws-glue/crawlers-role/<role>-<configuration>.
    const logs = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws-glue/crawlers-role/${this.role.logGroupRoleName}-${props.securityConfiguration.securityConfigurationName}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.securityConfiguration.kmsKeyArn,
    });
    this.role.grantLogWrite([logs.arn]);
    this.crawler = new GlueCrawler(this, 'crawler', {
      name: stack.naming.name(`${props.component}-source`, 'glue'),
      description: `Catalogs MySQL ${props.databaseName} for the graph export jobs`,
      role: this.role.roleArn,
      databaseName: this.database.name,
      schedule: props.schedule,
      securityConfiguration: props.securityConfiguration.securityConfigurationName,
      jdbcTarget: [{ connectionName: props.connection.connectionName, path: `${props.databaseName}/%` }],
      schemaChangePolicy: { updateBehavior: 'UPDATE_IN_DATABASE', deleteBehavior: 'LOG' },
      recrawlPolicy: { recrawlBehavior: 'CRAWL_EVERYTHING' },
      dependsOn: [logs, props.connection.connection, props.securityConfiguration.resource],
    });
  }
}

/** Catalog read (jobs) or read/write (the crawler) on one database and its tables. */
export function grantCatalogAccess(grantee: IGrantable, databaseName: string, write: boolean): void {
  const stack = MigrationStack.of(grantee.grantPrincipal);
  const base = `arn:${stack.partition}:glue:${stack.region}:${stack.accountId}`;
  const actions = ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'];
  if (write) actions.push('glue:CreateTable', 'glue:UpdateTable', 'glue:BatchCreatePartition', 'glue:BatchUpdatePartition', 'glue:CreatePartition', 'glue:UpdatePartition');
  grantee.grantPrincipal.addToPolicy({
    actions,
    resources: [`${base}:catalog`, `${base}:database/${databaseName}`, `${base}:table/${databaseName}/*`],
  });
}
