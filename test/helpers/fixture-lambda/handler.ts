// A minimal Lambda used by the core bundling tests.
export async function handler(event: { name?: string }): Promise<{ greeting: string }> {
  return { greeting: `hello ${event.name ?? 'world'}` };
}
