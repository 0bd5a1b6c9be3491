/**
 * The data flows the plan-review report draws for one synthesized stack, as `from -> to: label` (node labels), so an
 * example project's test can assert what its review shows.
 */
import { App, MigrationStack, Testing } from '../../modules/core';
import { StackIndex } from '../../tools/policy-check/tf';
import { modelStack } from '../../tools/plan-review/model';

export function reviewDataFlows(register: (app: App) => MigrationStack[], name: string): string[] {
  const stack = register(Testing.app()).find((s) => s.node.id === name);
  if (!stack) throw new Error(`no stack named ${name}`);
  const model = modelStack(new StackIndex(name, JSON.parse(Testing.synth(stack))));
  const label = new Map(model.nodes.map((n) => [n.id, n.label]));
  return model.flows.filter((f) => f.kind === 'data').map((f) => `${label.get(f.from)} -> ${label.get(f.to)}: ${f.label}`);
}
