/**
 * The one file in the project that imports `cdktf`. Everything else imports these names from `modules/core`.
 * CDK for Terraform was deprecated in December 2025; its community fork (CDK Terrain, `cdktn`) keeps the same API,
 * so moving to it is a change to this file and package.json.
 */
import type { Construct } from 'constructs';
import { DefaultTokenResolver, StringConcat, TerraformStack, Testing as CdktfTesting, Tokenization } from 'cdktf';

export {
  App,
  AssetType,
  Aspects,
  Fn,
  Lazy,
  Op,
  S3Backend,
  TerraformAsset,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  Token,
} from 'cdktf';
/**
 * cdktf's `Testing`, except that `synth` keeps the policy waivers that MigrationStack writes under the JSON's
 * top-level `"//"` comment (cdktf's `Testing.synth` strips every `"//"`), so a test reads the same waivers that the
 * policy check reads in `cdktf.out/`.
 */
export class Testing extends CdktfTesting {
  static synth(stack: TerraformStack, runValidations = false): string {
    const text = super.synth(stack, runValidations);
    const waivers = (stack.toTerraform() as { '//'?: { policy_waivers?: unknown } })['//']?.policy_waivers;
    return waivers === undefined ? text : JSON.stringify({ '//': { policy_waivers: waivers }, ...JSON.parse(text) }, null, 2);
  }
}

export type { IAspect, ITerraformDependable, TerraformMetaArguments } from 'cdktf';

/**
 * The Terraform expression a string token stands for, e.g. `${aws_rds_cluster.db_cluster_1A2B.master_user_secret[0].secret_arn}`,
 * so a construct can recognise what it was handed before synth. Values without tokens come back unchanged.
 */
export function terraformExpression(scope: Construct, value: string): string {
  const resolved = Tokenization.resolve(value, { scope, resolver: new DefaultTokenResolver(new StringConcat()) });
  return typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
}
