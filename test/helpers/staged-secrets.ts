import type { SecretsPort, UserSecret } from '../../lambdas/postgres-secret-rotation/rotation';

/**
 * An in-memory Secrets Manager with version stages, as the rotation protocol sees it.
 * `promote` follows UpdateSecretVersionStage: AWSCURRENT is added to the new version (its other labels stay), and
 * when AWSCURRENT is attached to another version the call must name that version in RemoveFromVersionId, or it
 * fails; AWSPREVIOUS then moves to the version AWSCURRENT left
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html).
 * What the real service does that this fake does not: KMS encryption, resource policies, throttling, its own
 * handling of AWSPENDING after finishSecret (left on the promoted version here), and deleting deprecated versions.
 */
export class FakeSecrets implements SecretsPort {
  versions: Record<string, { value: UserSecret; stages: string[] }> = {};
  rotationEnabled = true;
  constructor(initial: UserSecret) {
    this.versions.v1 = { value: initial, stages: ['AWSCURRENT'] };
  }
  async describe() {
    return { rotationEnabled: this.rotationEnabled, versions: Object.fromEntries(Object.entries(this.versions).map(([k, v]) => [k, [...v.stages]])) };
  }
  async get(_id: string, stage: string, versionId?: string) {
    const hit = Object.entries(this.versions).find(([k, v]) => v.stages.includes(stage) && (!versionId || k === versionId));
    return hit?.[1].value;
  }
  async put(_id: string, token: string, value: UserSecret) {
    this.versions[token] = { value, stages: ['AWSPENDING'] };
  }
  async randomPassword() {
    return `rotated-${Math.random().toString(36).slice(2)}`;
  }
  async promote(_id: string, token: string, removeFromVersionId?: string) {
    if (!this.versions[token]) throw new Error(`ResourceNotFoundException: no version ${token}`);
    const holder = Object.entries(this.versions).find(([, v]) => v.stages.includes('AWSCURRENT'))?.[0];
    if (holder === token) return;
    if (holder !== undefined && removeFromVersionId !== holder) {
      throw new Error(`InvalidParameterException: AWSCURRENT is attached to version ${holder}; RemoveFromVersionId is ${removeFromVersionId ?? 'absent'}`);
    }
    if (holder !== undefined) {
      for (const v of Object.values(this.versions)) v.stages = v.stages.filter((s) => s !== 'AWSPREVIOUS');
      this.versions[holder].stages = [...this.versions[holder].stages.filter((s) => s !== 'AWSCURRENT'), 'AWSPREVIOUS'];
    }
    this.versions[token].stages = [...this.versions[token].stages, 'AWSCURRENT'];
  }
  /** What Secrets Manager does before calling the function: a new version labelled AWSPENDING, no value yet. */
  startRotation(token: string) {
    // A label sits on one version at a time (UpdateSecretVersionStage): the new rotation's AWSPENDING takes it from
    // any version still carrying it.
    for (const v of Object.values(this.versions)) v.stages = v.stages.filter((s) => s !== 'AWSPENDING');
    this.versions[token] = { value: undefined as unknown as UserSecret, stages: ['AWSPENDING'] };
  }
}
