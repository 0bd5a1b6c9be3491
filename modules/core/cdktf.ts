/**
 * The one file in the project that imports `cdktf`. Everything else imports these names from `modules/core`.
 * CDK for Terraform was deprecated in December 2025; its community fork (CDK Terrain, `cdktn`) keeps the same API,
 * so moving to it is a change to this file and package.json.
 */
export {
  App,
  AssetType,
  Aspects,
  Fn,
  Lazy,
  S3Backend,
  TerraformAsset,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  Testing,
  Token,
} from 'cdktf';
export type { IAspect, ITerraformDependable, TerraformMetaArguments } from 'cdktf';
