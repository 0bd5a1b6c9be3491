import type { CheckovSkip } from './skips';

export const CHECKOV_SKIPS: readonly CheckovSkip[] = [];
