import * as path from 'node:path';
import { loadStacks, StackIndex, TfJson } from '../../../../tools/policy-check/tf';

export const FIXTURES = path.resolve(__dirname, '../../../fixtures/plan-review');

/** The fixture stack `shop-staging` as synthesized at the base or head revision. */
export function fixture(side: 'base' | 'head'): TfJson {
  return loadStacks(path.join(FIXTURES, side)).find((s) => s.name === 'shop-staging')!.json;
}

export function fixtureIndex(side: 'base' | 'head'): StackIndex {
  return new StackIndex('shop-staging', fixture(side));
}

/** A stack made of the given resources only. */
export function indexOf(resource: Record<string, Record<string, Record<string, unknown>>>): StackIndex {
  return new StackIndex('demo-staging', { resource: resource as TfJson['resource'] });
}
