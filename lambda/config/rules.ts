/** Which rules apply to one repository: the base rules, merged with the first matching override. */
import { matchesAny } from '../util/pattern';
import type { JanitorConfig, Rules } from './schema';

export interface ResolvedRules extends Rules {
  /** The override patterns that matched, when an override applies. */
  overriddenBy?: string[];
}

export function rulesFor(config: JanitorConfig, repository: string): ResolvedRules {
  const override = config.overrides.find((entry) => matchesAny(repository, entry.repositories));
  if (!override) return config.rules;
  const merged: ResolvedRules = { ...config.rules, overriddenBy: override.repositories };
  for (const [key, value] of Object.entries(override.rules)) {
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  return merged;
}
