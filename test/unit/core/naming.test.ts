import { NAME_LIMITS, Naming, shortHash } from '../../../modules/core';

describe('Naming', () => {
  const naming = new Naming('billing', 'prod');

  test('joins project, environment and component', () => {
    expect(naming.name('csv-loader')).toBe('billing-prod-csv-loader');
    expect(naming.name('CSV Loader_v2')).toBe('billing-prod-csv-loader-v2');
    expect(naming.snake('events')).toBe('billing_prod_events');
  });

  test.each(Object.entries(NAME_LIMITS))('names for %s stay within %d characters and stay unique', (kind, limit) => {
    const long = 'x'.repeat(600);
    const a = naming.name(`${long}-a`, kind as keyof typeof NAME_LIMITS);
    const b = naming.name(`${long}-b`, kind as keyof typeof NAME_LIMITS);
    expect(a.length).toBeLessThanOrEqual(limit);
    expect(b.length).toBeLessThanOrEqual(limit);
    expect(a).not.toBe(b);
    expect(a.startsWith('billing-prod-')).toBe(true);
  });

  test('shortHash is stable', () => {
    expect(shortHash('abc')).toBe(shortHash('abc'));
    expect(shortHash('abc')).not.toBe(shortHash('abd'));
  });

  test('fails when the project is not a slug', () => {
    expect(() => new Naming('Billing App', 'prod')).toThrow(/project "Billing App" must be lower-case letters, digits and dashes/);
  });

  test('fails when a component has no letters or digits', () => {
    expect(() => naming.name('---')).toThrow(/component "---" has no letters or digits/);
  });
});
