/** Small builders for handler tests: a deployed configuration and a digest. */
import {
  parseConfig,
  type JanitorConfig,
  type JanitorConfigInput,
} from '../../lambda/config/schema';
import type { HandlerEnvironment } from '../../lambda/handler/environment';
import type { Digest } from '../../lambda/model/digest';
import { emptyPlan } from '../../lambda/model/plan';

export function deployedConfig(input: JanitorConfigInput = {}): JanitorConfig {
  return parseConfig(input);
}

export function environment(config: JanitorConfigInput = {}): HandlerEnvironment {
  return {
    bucket: 'janitor-bucket',
    config: deployedConfig(config),
    reportLinkExpirySeconds: 3600,
    deployment: 'TestJanitor',
  };
}

export function digest(overrides: Partial<Digest> = {}): Digest {
  return {
    generatedAt: '2026-12-03T03:00:05.000Z',
    now: '2026-12-03T03:00:00.000Z',
    dryRun: true,
    partial: false,
    accountId: '111111111111',
    region: 'eu-west-1',
    pricePerGbMonthUsd: 0.1,
    totals: {
      repositoryCount: 2,
      imageCount: 12,
      storedBytes: 5_000_000_000,
      reclaimableBytes: 1_200_000_000,
      bloatBytes: 300_000_000,
      wastedBytes: 1_500_000_000,
      monthlyCostUsd: 0.47,
      wastedMonthlyCostUsd: 0.14,
      proposedDeletionCount: 4,
      deletedCount: 0,
      protectedCount: 3,
    },
    repositories: [],
    plan: emptyPlan(),
    analysedShare: 0,
    warnings: [],
    ...overrides,
  };
}
