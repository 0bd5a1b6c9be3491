/**
 * The one file in the project that imports `cdktf`. Everything else imports these names from `modules/core`.
 * CDK for Terraform was deprecated in December 2025; its community fork (CDK Terrain, `cdktn`) keeps the same API,
 * so moving to it is a change to this file and package.json.
 */
import type { Construct } from 'constructs';
import { DefaultTokenResolver, StringConcat, Tokenization } from 'cdktf';

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
  Testing,
  Token,
} from 'cdktf';
export type { IAspect, ITerraformDependable, TerraformMetaArguments } from 'cdktf';

/**
 * The Terraform expression a string token stands for, e.g. `${aws_rds_cluster.db_cluster_1A2B.master_user_secret[0].secret_arn}`,
 * so a construct can recognise what it was handed before synth. Values without tokens come back unchanged.
 */
export function terraformExpression(scope: Construct, value: string): string {
  const resolved = Tokenization.resolve(value, { scope, resolver: new DefaultTokenResolver(new StringConcat()) });
  return typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
}
