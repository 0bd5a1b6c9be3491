import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, MigrationStack } from '../modules/core';

/** An example project: a folder under stacks/ whose index.ts exports `register(app)` creating its stacks. */
export interface ExampleProject {
  register(app: App): MigrationStack[];
}

/**
 * Registers every example project (each folder of stacks/ with an index.ts), in name order, and returns the
 * stack names. A forked project usually deletes the examples it does not need; nothing else has to change.
 */
export function registerExampleProjects(app: App): string[] {
  const names: string[] = [];
  const folders = fs
    .readdirSync(__dirname, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(__dirname, d.name, 'index.ts')))
    .map((d) => d.name)
    .sort();
  for (const folder of folders) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const project = require(path.join(__dirname, folder)) as ExampleProject;
    if (typeof project.register !== 'function') {
      throw new Error(`stacks/${folder}/index.ts must export register(app) returning its stacks.`);
    }
    names.push(...project.register(app).map((s) => s.node.id));
  }
  return names;
}
