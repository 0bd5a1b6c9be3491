import { App, MigrationStack, Testing } from '../../modules/core';
import { checkStack } from '../../tools/policy-check/engine';
import { TfJson } from '../../tools/policy-check/tf';

/** A synthesized example stack, as the project tests read it. */
export type ProjectOut = TfJson & { resource: Record<string, Record<string, Record<string, any>>>; output: Record<string, { value: unknown }> };

/** Synthesizes a project's stacks once (the slowest part of the suite), by stack name. */
export function synthProject(register: (app: App) => MigrationStack[]): Map<string, ProjectOut> {
  return new Map(register(Testing.app()).map((s) => [s.node.id, JSON.parse(Testing.synth(s)) as ProjectOut]));
}

/** Every resource of one type in a synthesized stack. */
export function list(out: ProjectOut, type: string): Record<string, any>[] {
  return Object.values(out.resource[type] ?? {});
}

/** The tests every example project owes: a staging and a production stack on the S3 backend, and a clean policy check. */
export function describeProjectBasics(project: string, stacks: Map<string, ProjectOut>): void {
  test('registers a staging and a production stack with an S3 backend', () => {
    expect([...stacks.keys()]).toEqual([`${project}-staging`, `${project}-production`]);
    for (const out of stacks.values()) expect((out as any).terraform.backend.s3.bucket).toMatch(/-terraform-state$/);
  });

  test('passes every policy rule (waivers only with a reason)', () => {
    for (const [name, out] of stacks) {
      const result = checkStack(name, out);
      expect(result.findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}: ${f.message}`)).toEqual([]);
      expect(result.waiverErrors).toEqual([]);
      expect(result.unusedWaivers).toEqual([]);
    }
  });
}
