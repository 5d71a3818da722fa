/** Small helpers shared by the plan tests. */
import { parseConfig, type JanitorConfigInput } from '../../lambda/config/schema';
import type { Inventory } from '../../lambda/model/inventory';
import { buildPlan } from '../../lambda/plan';

export function plan(inventory: Inventory, config: JanitorConfigInput, now: Date) {
  return buildPlan(inventory, parseConfig(config), now);
}

export function deletedDigests(result: ReturnType<typeof plan>): string[] {
  return result.plan.deletions.map((d) => d.imageDigest);
}

export function protectedEntry(result: ReturnType<typeof plan>, digest: string) {
  return result.plan.protected.find((p) => p.imageDigest === digest);
}

export function reasonCodes(result: ReturnType<typeof plan>, digest: string): string[] {
  return protectedEntry(result, digest)?.reasons.map((r) => r.code) ?? [];
}
