// Prints plan-review's FORCE_NEW table as JSON, for test_force_new.py to compare with the provider's own plans.
//   npx tsx test/force-new-plan/print-force-new.ts
import { FORCE_NEW } from '../../tools/plan-review/diff';

process.stdout.write(JSON.stringify(FORCE_NEW));
