import { parseConfig } from '../../lambda/config/schema';
import { emptyInventory } from '../../lambda/model/inventory';
import { summaryKey } from '../../lambda/run';

const inventory = {
  ...emptyInventory('2026-12-01T00:00:00Z'),
  accountId: '1',
  region: 'eu-west-1',
};

describe('the run summary kept for the trend', () => {
  it('lives beside the account and region for a run over every repository', () => {
    expect(summaryKey(inventory, parseConfig({}))).toBe('runs/1/eu-west-1/latest.json');
  });

  it('is kept apart for each narrower scope, so narrowing never reads as storage freed', () => {
    const narrow = summaryKey(inventory, parseConfig({ repositories: ['shop/*'] }));
    const excluding = summaryKey(inventory, parseConfig({ excludeRepositories: ['sandbox/*'] }));
    expect(narrow).toMatch(/^runs\/1\/eu-west-1\/scope-[0-9a-f]{12}\/latest\.json$/);
    expect(excluding).not.toBe(narrow);
    expect(summaryKey(inventory, parseConfig({ repositories: ['shop/*'] }))).toBe(narrow);
  });
});
