/**
 * Native ECR lifecycle policy documents: their shape and their validation,
 * following AWS's documented rules. A policy that ECR would refuse is
 * refused here with the field, the value and the fix.
 */
import { ConfigError } from '../../errors';
import { checkAction, checkSelection, isObject, Problems, RULE_KEYS, unknownKeys } from './checks';

export type TagStatus = 'tagged' | 'untagged' | 'any';
export type CountType =
  'imageCountMoreThan' | 'sinceImagePushed' | 'sinceImagePulled' | 'sinceImageTransitioned';

export interface LifecycleRule {
  rulePriority: number;
  description?: string;
  selection: {
    tagStatus: TagStatus;
    tagPrefixList?: string[];
    tagPatternList?: string[];
    /** Which images the rule looks at. @default "standard" ("archive" for sinceImageTransitioned) */
    storageClass?: 'standard' | 'archive';
    countType: CountType;
    countUnit?: 'days';
    countNumber: number;
  };
  action: { type: 'expire' | 'transition'; targetStorageClass?: 'archive' };
}

export interface LifecyclePolicy {
  rules: LifecycleRule[];
}

export function parseLifecyclePolicy(text: string, where = 'lifecycle policy'): LifecyclePolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${where} is not valid JSON: ${(error as Error).message}`, {
      path: where,
      cause: error,
    });
  }
  const problems = new Problems();
  if (!isObject(raw) || !Array.isArray(raw.rules) || raw.rules.length === 0) {
    problems.add(
      'rules',
      isObject(raw) ? raw.rules : raw,
      'a policy needs a non-empty "rules" list',
      'give { "rules": [ … ] }',
    );
  } else {
    unknownKeys(problems, '(top level)', raw, ['rules']);
    const priorities = new Map<number, number>();
    let untaggedRules = 0;
    raw.rules.forEach((rule: unknown, i: number) => {
      const path = `rules[${i}]`;
      if (!isObject(rule))
        return problems.add(
          path,
          rule,
          'must be an object',
          'give rulePriority, selection and action',
        );
      unknownKeys(problems, path, rule, RULE_KEYS);
      const priority = rule.rulePriority;
      if (!Number.isInteger(priority) || (priority as number) < 1) {
        problems.add(
          `${path}.rulePriority`,
          priority,
          'must be a whole number of at least 1',
          'give each rule a distinct positive priority',
        );
      } else if (priorities.has(priority as number)) {
        problems.add(
          `${path}.rulePriority`,
          priority,
          `rule ${priorities.get(priority as number)} has the same priority`,
          'give each rule a distinct priority',
        );
      } else priorities.set(priority as number, i);
      checkSelection(problems, `${path}.selection`, rule.selection);
      const selection = isObject(rule.selection) ? rule.selection : {};
      checkAction(problems, `${path}.action`, rule.action, selection.countType);
      if (selection.tagStatus === 'untagged') untaggedRules += 1;
    });
    if (untaggedRules > 1) {
      problems.add(
        'rules',
        untaggedRules,
        'only one rule may select untagged images',
        'merge the "untagged" rules into one',
      );
    }
    const rules = raw.rules.filter(isObject);
    const highest = Math.max(...rules.map((r) => Number(r.rulePriority) || 0));
    rules.forEach((rule, i) => {
      if (
        isObject(rule.selection) &&
        rule.selection.tagStatus === 'any' &&
        Number(rule.rulePriority) !== highest
      ) {
        problems.add(
          `rules[${i}].rulePriority`,
          rule.rulePriority,
          'a tagStatus "any" rule must have the highest priority number (be evaluated last)',
          `give it a priority above ${highest}`,
        );
      }
    });
    const anyRules = rules.filter((r) => isObject(r.selection) && r.selection.tagStatus === 'any');
    if (anyRules.length > 1) {
      problems.add(
        'rules',
        anyRules.length,
        'only one rule may have tagStatus "any"',
        'merge them into one rule',
      );
    }
  }
  if (problems.list.length) {
    throw new ConfigError(
      `invalid ${where}:\n${problems.list.map((p) => `  ${p.text}`).join('\n')}`,
      {
        path: problems.list[0].path,
      },
    );
  }
  return raw as LifecyclePolicy;
}
