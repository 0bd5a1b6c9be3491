import { SqlServerSourceFacts } from '../../modules/dms-migration';
import { PrivatePostgresProps } from '../../modules/private-postgres';

/**
 * The playbook's reporting-server case: the source is a reporting copy refreshed every night, with no way to
 * capture changes, so a full load is re-run daily after the refresh ("one-off set-up, re-run daily").
 */
export interface ReportingServerConfig {
  readonly project: string;
  readonly environment: string;
  readonly production: boolean;
  readonly region: string;
  readonly stateBucket: string;
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  readonly dmsAccountRoles: 'create' | 'adopt';
  readonly source: { readonly address: string; readonly databaseName: string; readonly schema: string; readonly facts: SqlServerSourceFacts };
  readonly target: {
    readonly databaseName: string;
    readonly schema: string;
    /**
     * Day-two settings of the target database, passed to PrivatePostgres as they are: a major upgrade
     * (`engineVersion`, `previousEngineVersion`, `allowMajorVersionUpgrade`; modules/private-postgres README
     * "Major version upgrade"), or the rollback of a failed reload into a restored copy (`component` and
     * `restoreFrom`; README "Restore"). Unset, the database is created empty at the module's default version.
     */
    readonly database?: Pick<PrivatePostgresProps, 'engineVersion' | 'previousEngineVersion' | 'allowMajorVersionUpgrade' | 'component' | 'restoreFrom'>;
  };
  /** EventBridge Scheduler cron, after the reporting server's nightly refresh. */
  readonly schedule: { readonly expression: string; readonly timezone: string };
  readonly dmsInstanceClass: string;
}

const shared = {
  project: 'reports',
  region: 'eu-west-2',
  stateBucket: 'reports-terraform-state',
  availabilityZones: ['eu-west-2a', 'eu-west-2b'],
  // The reporting stacks share accounts with the billing project's stacks, which create the DMS account roles.
  dmsAccountRoles: 'adopt',
  target: { databaseName: 'reporting', schema: 'reporting' },
  schedule: { expression: 'cron(30 6 * * ? *)', timezone: 'Europe/London' },
} as const;

/** Standard edition, tables without keys, nightly refresh: not continuous, so full-load-only. */
const facts: SqlServerSourceFacts = { edition: 'standard', version: 2017, continuous: false, tablesWithoutPrimaryKey: true };

export const CONFIG: Record<'staging' | 'production', ReportingServerConfig> = {
  staging: {
    ...shared,
    environment: 'staging',
    production: false,
    vpcCidr: '10.62.0.0/16',
    source: { address: '10.200.10.40', databaseName: 'ReportsUAT', schema: 'rpt', facts },
    dmsInstanceClass: 'dms.t3.medium',
  },
  production: {
    ...shared,
    environment: 'prod',
    production: true,
    vpcCidr: '10.63.0.0/16',
    source: { address: '10.200.20.40', databaseName: 'Reports', schema: 'rpt', facts },
    dmsInstanceClass: 'dms.c6i.large',
  },
};
