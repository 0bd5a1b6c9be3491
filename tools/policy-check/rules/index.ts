import { Rule } from '../rule';
import { dataServiceRules } from './data-services';
import { dmsRules } from './dms';
import { iamRules } from './iam';
import { lambdaRules } from './lambda';
import { networkRules } from './network';
import { rdsRules } from './rds';
import { s3Rules } from './s3';
import { secretRules } from './secrets';

/** Every rule of ../shared/POLICY_RULES.md, in the order of that table. */
export const RULES: readonly Rule[] = [...rdsRules, ...dmsRules, ...s3Rules, ...lambdaRules, ...dataServiceRules, ...iamRules, ...networkRules, ...secretRules];

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((r) => r.id));
