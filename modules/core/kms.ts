import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { MigrationStack } from './stack';

/**
 * A customer-managed KMS key with yearly rotation, a deletion window and an alias from the naming helper.
 * The default key policy (account root) applies; grants go through IAM (`kms:Decrypt` on this key only).
 */
export function newKmsKey(scope: Construct, id: string, component: string, description: string): KmsKey {
  const stack = MigrationStack.of(scope);
  const key = new KmsKey(scope, id, {
    description,
    enableKeyRotation: true,
    deletionWindowInDays: stack.production ? 30 : 7,
  });
  new KmsAlias(scope, `${id}-alias`, { name: `alias/${stack.naming.name(component, 'kms')}`, targetKeyId: key.keyId });
  return key;
}
