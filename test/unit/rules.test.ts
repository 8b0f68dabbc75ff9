import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { routes } from '../../functions/dispatch/domain/routes.ts';

const require = createRequire(import.meta.url);
const { loadRules } = require('../../scripts/sls/rules.cjs') as {
  loadRules: () => { name: string; target: string; workflow?: string; eventPattern?: Record<string, string[]> }[];
};

describe('rules and dispatch routes', () => {
  it('gives every dispatch rule file a route to the same workflow, and every route a rule file', () => {
    const files = loadRules().filter((rule) => rule.target === 'dispatch');

    const fromFiles = Object.fromEntries(files.map((rule) => [rule.name, rule.workflow]));
    const fromRoutes = Object.fromEntries(Object.entries(routes).map(([name, route]) => [name, route.workflow]));
    expect(fromFiles).toEqual(fromRoutes);
  });

  it('patterns name the source and detail-type their route accepts', () => {
    for (const rule of loadRules().filter((r) => r.target === 'dispatch' && r.eventPattern)) {
      const route = routes[rule.name as keyof typeof routes];

      expect(rule.eventPattern?.source, rule.name).toEqual([route.source]);
      expect(rule.eventPattern?.['detail-type'], rule.name).toEqual([route.detailType]);
    }
  });
});
