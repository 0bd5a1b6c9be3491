/**
 * Configuration of the csv-to-postgres example project: one typed entry per environment.
 * A forked project edits this file (names, region, CIDRs, sizes) and nothing else to get started.
 */
export interface CsvToPostgresConfig {
  readonly project: string;
  readonly environment: string;
  readonly production: boolean;
  readonly region: string;
  readonly stateBucket: string;
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  readonly databaseName: string;
  readonly instanceClass?: string;
}

const shared = {
  project: 'csvload',
  region: 'eu-west-2',
  stateBucket: 'csvload-terraform-state',
  availabilityZones: ['eu-west-2a', 'eu-west-2b'],
  databaseName: 'landing',
} as const;

export const CONFIG: Record<'staging' | 'production', CsvToPostgresConfig> = {
  staging: { ...shared, environment: 'staging', production: false, vpcCidr: '10.40.0.0/16' },
  production: {
    ...shared,
    environment: 'prod',
    production: true,
    vpcCidr: '10.41.0.0/16',
    availabilityZones: ['eu-west-2a', 'eu-west-2b', 'eu-west-2c'],
    instanceClass: 'db.m7g.large',
  },
};
