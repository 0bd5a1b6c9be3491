import * as http from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A local Secrets Manager answering GetSecretValue (AWS JSON 1.1 protocol) from an in-memory map, so a deployed
 * handler can run unchanged against it: point `AWS_ENDPOINT_URL_SECRETS_MANAGER` at `url`. Counts reads per secret.
 * Each secret has one version, AWSCURRENT: asking for another stage is ResourceNotFoundException, as it is in AWS
 * when no version has that label (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html).
 * What the real service does that this does not: every other operation (refused here), SigV4 and IAM checks,
 * resource policies, KMS decryption (and its AccessDenied), ARN/partial-ARN matching, version ids asked by VersionId,
 * throttling, and the delay before a rotated value is visible everywhere.
 */
export class FakeSecretsManager {
  readonly secrets = new Map<string, string>();
  readonly reads = new Map<string, number>();
  url = '';
  private server?: http.Server;

  set(secretId: string, value: Record<string, unknown>): void {
    this.secrets.set(secretId, JSON.stringify(value));
  }

  readsOf(secretId: string): number {
    return this.reads.get(secretId) ?? 0;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const reply = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify(body));
        };
        const target = String(req.headers['x-amz-target'] ?? '');
        if (target !== 'secretsmanager.GetSecretValue') return reply(400, { __type: 'InvalidRequestException', message: `unsupported ${target}` });
        const { SecretId, VersionStage } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { SecretId?: string; VersionStage?: string };
        const value = SecretId === undefined ? undefined : this.secrets.get(SecretId);
        if (SecretId === undefined || value === undefined || (VersionStage !== undefined && VersionStage !== 'AWSCURRENT')) {
          return reply(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
        }
        this.reads.set(SecretId, this.readsOf(SecretId) + 1);
        reply(200, { ARN: SecretId, Name: SecretId, SecretString: value, VersionId: `v${this.readsOf(SecretId)}`, VersionStages: ['AWSCURRENT'], CreatedDate: 1764000000 });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
