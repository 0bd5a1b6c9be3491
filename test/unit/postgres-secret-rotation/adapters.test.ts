import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { secretsManagerPort } from '../../../lambdas/postgres-secret-rotation/adapters';

const ARN = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:app-AbCdEf';

/**
 * A stubbed SDK client: records every command with its input and answers from a small model of a secret's versions.
 * It enforces the part of Secrets Manager the adapter can get wrong, UpdateSecretVersionStage's rule that moving a
 * label attached to another version needs RemoveFromVersionId naming that version
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html).
 * What the real service does that this stub does not: signing, KMS decryption, resource policies, throttling,
 * version-id format checks and the deletion of deprecated versions.
 */
class StubSecretsManager {
  readonly calls: Array<{ command: string; input: Record<string, unknown> }> = [];
  versions: Record<string, { stages: string[]; value?: string }> = { v1: { stages: ['AWSCURRENT'], value: JSON.stringify({ username: 'app', password: 'old' }) } };
  failGetWith?: Error;
  /** Replaces DescribeSecret's answer (e.g. rotation off, or a secret without versions). */
  describeAnswer?: Record<string, unknown>;

  async send(command: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> {
    this.calls.push({ command: command.constructor.name, input: command.input });
    if (command instanceof DescribeSecretCommand) {
      if (this.describeAnswer) return this.describeAnswer;
      return { RotationEnabled: true, VersionIdsToStages: Object.fromEntries(Object.entries(this.versions).map(([id, v]) => [id, [...v.stages]])) };
    }
    if (command instanceof GetSecretValueCommand) {
      if (this.failGetWith) throw this.failGetWith;
      const { VersionId, VersionStage } = command.input;
      const hit = Object.entries(this.versions).find(([id, v]) => (!VersionId || id === VersionId) && (!VersionStage || v.stages.includes(VersionStage)));
      if (!hit || hit[1].value === undefined) {
        throw new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret value", $metadata: { httpStatusCode: 400 } });
      }
      return { SecretString: hit[1].value, VersionId: hit[0] };
    }
    if (command instanceof PutSecretValueCommand) {
      const token = command.input.ClientRequestToken as string;
      this.versions[token] = { stages: [...(command.input.VersionStages as string[])], value: command.input.SecretString as string };
      return { VersionId: token };
    }
    if (command instanceof GetRandomPasswordCommand) return { RandomPassword: 'r'.repeat(32) };
    if (command instanceof UpdateSecretVersionStageCommand) {
      const { VersionStage, MoveToVersionId, RemoveFromVersionId } = command.input as Record<string, string | undefined>;
      const holder = Object.entries(this.versions).find(([, v]) => v.stages.includes(VersionStage!))?.[0];
      if (holder && holder !== MoveToVersionId && holder !== RemoveFromVersionId) {
        throw new InvalidParameterException({
          // The documented rule, not AWS's exact wording.
          message: `staging label ${VersionStage} is attached to version ${holder}: RemoveFromVersionId must name that version`,
          $metadata: { httpStatusCode: 400 },
        });
      }
      if (RemoveFromVersionId) this.versions[RemoveFromVersionId].stages = this.versions[RemoveFromVersionId].stages.filter((s) => s !== VersionStage);
      if (MoveToVersionId) this.versions[MoveToVersionId].stages.push(VersionStage!);
      if (VersionStage === 'AWSCURRENT' && RemoveFromVersionId) {
        for (const v of Object.values(this.versions)) v.stages = v.stages.filter((s) => s !== 'AWSPREVIOUS');
        this.versions[RemoveFromVersionId].stages.push('AWSPREVIOUS');
      }
      return {};
    }
    throw new Error(`unexpected command ${command.constructor.name}`);
  }
}

function port(stub: StubSecretsManager) {
  return secretsManagerPort(stub as unknown as SecretsManagerClient);
}

describe('secretsManagerPort (the real adapter) against a stubbed SDK client', () => {
  test('describe sends DescribeSecret for the secret and maps the stages', async () => {
    const stub = new StubSecretsManager();
    await expect(port(stub).describe(ARN)).resolves.toEqual({ rotationEnabled: true, versions: { v1: ['AWSCURRENT'] } });
    expect(stub.calls).toEqual([{ command: 'DescribeSecretCommand', input: { SecretId: ARN } }]);
  });

  test('describe reports rotation off unless DescribeSecret says RotationEnabled true', async () => {
    const stub = new StubSecretsManager();
    stub.describeAnswer = { RotationEnabled: false, VersionIdsToStages: { v1: ['AWSCURRENT'] } };
    await expect(port(stub).describe(ARN)).resolves.toEqual({ rotationEnabled: false, versions: { v1: ['AWSCURRENT'] } });
    // "If the secret has never been configured for rotation, Secrets Manager returns null" (DescribeSecret API reference,
    // RotationEnabled: https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html).
    stub.describeAnswer = { VersionIdsToStages: { v1: ['AWSCURRENT'] } };
    await expect(port(stub).describe(ARN)).resolves.toEqual({ rotationEnabled: false, versions: { v1: ['AWSCURRENT'] } });
  });

  test('describe answers no versions (not undefined) when DescribeSecret lists none', async () => {
    const stub = new StubSecretsManager();
    stub.describeAnswer = { RotationEnabled: true };
    await expect(port(stub).describe(ARN)).resolves.toEqual({ rotationEnabled: true, versions: {} });
  });

  test('get sends GetSecretValue with the stage and the version id, and parses the JSON', async () => {
    const stub = new StubSecretsManager();
    await expect(port(stub).get(ARN, 'AWSCURRENT')).resolves.toEqual({ username: 'app', password: 'old' });
    await port(stub).get(ARN, 'AWSPENDING', 't2');
    expect(stub.calls).toEqual([
      { command: 'GetSecretValueCommand', input: { SecretId: ARN, VersionStage: 'AWSCURRENT', VersionId: undefined } },
      { command: 'GetSecretValueCommand', input: { SecretId: ARN, VersionStage: 'AWSPENDING', VersionId: 't2' } },
    ]);
  });

  test('get answers undefined for a version that does not exist, and rethrows anything else', async () => {
    const stub = new StubSecretsManager();
    await expect(port(stub).get(ARN, 'AWSPENDING', 'nope')).resolves.toBeUndefined();
    stub.failGetWith = new InvalidParameterException({ message: 'bad', $metadata: {} });
    await expect(port(stub).get(ARN, 'AWSCURRENT')).rejects.toThrow('bad');
  });

  test('put sends PutSecretValue with the token, the JSON value and only the AWSPENDING stage', async () => {
    const stub = new StubSecretsManager();
    await port(stub).put(ARN, 't2', { username: 'app', password: 'new' });
    expect(stub.calls).toEqual([
      { command: 'PutSecretValueCommand', input: { SecretId: ARN, ClientRequestToken: 't2', SecretString: '{"username":"app","password":"new"}', VersionStages: ['AWSPENDING'] } },
    ]);
  });

  test('randomPassword asks for 32 characters without punctuation', async () => {
    const stub = new StubSecretsManager();
    await expect(port(stub).randomPassword()).resolves.toHaveLength(32);
    expect(stub.calls).toEqual([{ command: 'GetRandomPasswordCommand', input: { PasswordLength: 32, ExcludePunctuation: true } }]);
  });

  test('promote moves AWSCURRENT with RemoveFromVersionId naming the version that holds it (finishSecret)', async () => {
    const stub = new StubSecretsManager();
    await port(stub).put(ARN, 't2', { username: 'app', password: 'new' });
    stub.calls.length = 0;
    await port(stub).promote(ARN, 't2', 'v1');
    expect(stub.calls).toEqual([
      { command: 'UpdateSecretVersionStageCommand', input: { SecretId: ARN, VersionStage: 'AWSCURRENT', MoveToVersionId: 't2', RemoveFromVersionId: 'v1' } },
    ]);
    expect(stub.versions.t2.stages).toContain('AWSCURRENT');
    expect(stub.versions.v1.stages).toEqual(['AWSPREVIOUS']);
  });

  test('the stub refuses a move without RemoveFromVersionId, as Secrets Manager does', async () => {
    const stub = new StubSecretsManager();
    await port(stub).put(ARN, 't2', { username: 'app', password: 'new' });
    await expect(port(stub).promote(ARN, 't2', undefined)).rejects.toThrow('staging label AWSCURRENT is attached to version v1: RemoveFromVersionId must name that version');
    expect(stub.versions.v1.stages).toEqual(['AWSCURRENT']);
  });
});
