import { DmsAccountRoles } from '../../../modules/dms-account-roles';
import { DmsReplicationInstance } from '../../../modules/dms-migration';
import { engineVersionLifecycle } from '../../../modules/dms-migration/replication-instance';
import { all, network, newStack, synth } from './helpers';

// Issue 17 "Defaults that hid problems": engine_version 3.5.4 pinned while automatic minor upgrades are on. The
// provider reads the running version into engine_version (no diff suppression), so after an automatic upgrade every
// plan would set 3.5.4 again. test/engine-version-plan plans this against moto with OpenTofu.
function instance(engineVersion?: string) {
  const stack = newStack();
  const roles = new DmsAccountRoles(stack, 'roles', { mode: 'adopt' });
  new DmsReplicationInstance(stack, 'dms', { network, accountRoles: roles, engineVersion });
  return all(synth(stack), 'aws_dms_replication_instance')[0];
}

describe('DmsReplicationInstance engine version with automatic minor upgrades', () => {
  test('automatic minor upgrades stay on and Terraform leaves engine_version to them after create', () => {
    const ri = instance();
    expect(ri).toMatchObject({ engine_version: '3.5.4', auto_minor_version_upgrade: true, allow_major_version_upgrade: false });
    expect(ri.lifecycle.ignore_changes).toEqual(['engine_version']);
  });

  test('a postcondition keeps engineVersion a floor: the running version must be at least the configured one', () => {
    const [post] = instance('3.6.1').lifecycle.postcondition;
    expect(post.condition).toBe('${sum([for i, p in split(".", self.engine_version) : tonumber(p) * pow(1000, 2 - i)]) >= 3006001}');
    expect(post.error_message).toContain('test/dms: engineVersion is 3.6.1 but the replication instance runs ${self.engine_version}');
    expect(post.error_message).toContain('aws dms modify-replication-instance --replication-instance-arn ${self.replication_instance_arn} --engine-version 3.6.1 --apply-immediately');
  });

  test('the floor orders versions numerically, not as strings (3.5.10 > 3.5.9)', () => {
    const floor = (v: string) => Number(/>= (\d+)\}$/.exec(engineVersionLifecycle('p', v).postcondition[0].condition)![1]);
    expect(floor('3.5.10')).toBeGreaterThan(floor('3.5.9'));
    expect(floor('3.6.0')).toBeGreaterThan(floor('3.5.99'));
    expect(floor('3.5.4')).toBe(3005004);
  });

  test.each(['3.5', '3', 'latest', '3.5.4.1'])('fails at synth when engineVersion is not a full x.y.z version (%s)', (v) => {
    expect(() => instance(v)).toThrow(new RegExp(`test/dms: engineVersion "${v.replace(/\./g, '\\.')}" is not a full replication engine version; give all three parts, e\\.g\\. "3\\.5\\.4"`));
  });
});
