import { z } from 'zod';

/** Configuration from the environment, parsed once at cold start. No secrets: IAM auth uses the function's role. */
export const configSchema = z.object({
  /** Neptune cluster endpoint as `host:port` (HTTPS), or a full `http(s)://host:port` URL (tests). */
  NEPTUNE_ENDPOINT: z
    .string()
    .min(1)
    .refine((v) => /^[a-z0-9.-]+:\d+$/i.test(v) || /^https?:\/\/[^/\s]+$/i.test(v), 'NEPTUNE_ENDPOINT must be host:port or http(s)://host:port'),
  /** Role the cluster assumes to read S3 (attached to the cluster's IAM roles). */
  LOADER_ROLE_ARN: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/, 'LOADER_ROLE_ARN must be an IAM role ARN'),
  AWS_REGION: z.string().min(1),
  /** `true` when the cluster has IAM database authentication on: requests are SigV4-signed (service neptune-db). */
  IAM_AUTH: z.enum(['true', 'false']).default('true'),
  /** Per-request timeout. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(60000).default(10000),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`neptune-bulk-load configuration is invalid: ${problems}`);
  }
  return parsed.data;
}

/** Base URL of the loader API from the endpoint setting. */
export function baseUrl(endpoint: string): string {
  return /^https?:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
}
