/** The plan stage: protections first, then rules, lifecycle policy evaluation and diff. */
import type { JanitorConfig } from '../config/schema';
import { JanitorError } from '../errors';
import type { Warning } from '../model/digest';
import type { Inventory } from '../model/inventory';
import type { Plan } from '../model/plan';

/** Pure: the same inventory, configuration and instant always give the same plan. */
export function buildPlan(
  _inventory: Inventory,
  _config: JanitorConfig,
  _now: Date,
): { plan: Plan; warnings: Warning[] } {
  throw new JanitorError('buildPlan is not built yet');
}
