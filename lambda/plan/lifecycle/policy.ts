/**
 * Native ECR lifecycle policy documents: their shape and their validation,
 * following AWS's documented rules. A policy that ECR would refuse is
 * refused here with the field, the value and the fix.
 */
import { ConfigError } from '../../errors';

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

const RULE_KEYS = ['rulePriority', 'description', 'selection', 'action'];
const SELECTION_KEYS = [
  'tagStatus',
  'tagPrefixList',
  'tagPatternList',
  'storageClass',
  'countType',
  'countUnit',
  'countNumber',
];
const COUNT_TYPES: CountType[] = [
  'imageCountMoreThan',
  'sinceImagePushed',
  'sinceImagePulled',
  'sinceImageTransitioned',
];

class Problems {
  readonly list: { path: string; text: string }[] = [];
  add(path: string, value: unknown, problem: string, fix: string) {
    this.list.push({
      path,
      text: `${path}: ${problem} (received ${value === undefined ? 'nothing' : JSON.stringify(value)}); fix: ${fix}`,
    });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKeys(
  problems: Problems,
  path: string,
  value: Record<string, unknown>,
  known: string[],
) {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      problems.add(
        `${path}.${key}`,
        value[key],
        'unknown field',
        `remove it; the fields allowed are ${known.join(', ')}`,
      );
    }
  }
}

function checkTagList(problems: Problems, path: string, list: unknown, patterns: boolean) {
  if (!Array.isArray(list) || list.length === 0 || list.some((t) => typeof t !== 'string' || !t)) {
    problems.add(
      path,
      list,
      'must be a non-empty list of non-empty strings',
      'list at least one tag ' + (patterns ? 'pattern' : 'prefix'),
    );
    return;
  }
  if (!patterns) return;
  for (const [i, pattern] of (list as string[]).entries()) {
    if ((pattern.match(/\*/g) ?? []).length > 4) {
      problems.add(
        `${path}[${i}]`,
        pattern,
        'a pattern may contain at most four "*" wildcards',
        'use fewer "*"',
      );
    }
  }
}

function checkSelection(problems: Problems, path: string, raw: unknown) {
  if (!isObject(raw)) {
    problems.add(path, raw, 'must be an object', 'give tagStatus, countType and countNumber');
    return;
  }
  unknownKeys(problems, path, raw, SELECTION_KEYS);
  const {
    tagStatus,
    tagPrefixList,
    tagPatternList,
    countType,
    countUnit,
    countNumber,
    storageClass,
  } = raw;
  if (!['tagged', 'untagged', 'any'].includes(tagStatus as string)) {
    problems.add(
      `${path}.tagStatus`,
      tagStatus,
      'must be "tagged", "untagged" or "any"',
      'set tagStatus to one of them',
    );
  }
  if (tagStatus === 'tagged') {
    if (tagPrefixList !== undefined && tagPatternList !== undefined) {
      problems.add(
        `${path}.tagPatternList`,
        tagPatternList,
        'a rule may use tagPrefixList or tagPatternList, not both',
        'split it into two rules',
      );
    } else if (tagPrefixList === undefined && tagPatternList === undefined) {
      problems.add(
        `${path}.tagPrefixList`,
        undefined,
        'a "tagged" rule needs tagPrefixList or tagPatternList',
        'add one, e.g. "tagPatternList": ["prod*"]',
      );
    }
    if (tagPrefixList !== undefined)
      checkTagList(problems, `${path}.tagPrefixList`, tagPrefixList, false);
    if (tagPatternList !== undefined)
      checkTagList(problems, `${path}.tagPatternList`, tagPatternList, true);
  } else {
    for (const [key, value] of [
      ['tagPrefixList', tagPrefixList],
      ['tagPatternList', tagPatternList],
    ] as const) {
      if (value !== undefined) {
        problems.add(
          `${path}.${key}`,
          value,
          `only "tagged" rules take ${key}`,
          `remove it or set tagStatus to "tagged"`,
        );
      }
    }
  }
  if (!COUNT_TYPES.includes(countType as CountType)) {
    problems.add(
      `${path}.countType`,
      countType,
      `must be one of ${COUNT_TYPES.join(', ')}`,
      'set countType to one of them',
    );
  } else if (countType === 'imageCountMoreThan') {
    if (countUnit !== undefined) {
      problems.add(
        `${path}.countUnit`,
        countUnit,
        'imageCountMoreThan takes no countUnit',
        'remove countUnit',
      );
    }
  } else if (countUnit !== 'days') {
    problems.add(
      `${path}.countUnit`,
      countUnit,
      `${countType} needs countUnit "days"`,
      'set "countUnit": "days"',
    );
  }
  if (!Number.isInteger(countNumber) || (countNumber as number) < 1) {
    problems.add(
      `${path}.countNumber`,
      countNumber,
      'must be a whole number of at least 1',
      'give a positive whole number',
    );
  }
  if (storageClass !== undefined && storageClass !== 'standard' && storageClass !== 'archive') {
    problems.add(
      `${path}.storageClass`,
      storageClass,
      'must be "standard" or "archive"',
      'use one of them',
    );
  }
}

function checkAction(problems: Problems, path: string, raw: unknown, countType: unknown) {
  if (!isObject(raw)) {
    problems.add(path, raw, 'must be an object', 'give { "type": "expire" }');
    return;
  }
  unknownKeys(problems, path, raw, ['type', 'targetStorageClass']);
  if (raw.type !== 'expire' && raw.type !== 'transition') {
    problems.add(`${path}.type`, raw.type, 'must be "expire" or "transition"', 'use one of them');
  }
  if (raw.type === 'transition' && raw.targetStorageClass !== 'archive') {
    problems.add(
      `${path}.targetStorageClass`,
      raw.targetStorageClass,
      'a transition needs targetStorageClass "archive"',
      'add "targetStorageClass": "archive"',
    );
  }
  if (raw.type === 'expire' && countType === 'sinceImagePulled') {
    problems.add(
      `${path}.type`,
      raw.type,
      'sinceImagePulled rules can only transition images to archive, not expire them',
      'use "transition" with "targetStorageClass": "archive"',
    );
  }
}

/** Parses and validates policy text; throws a ConfigError listing every problem. */
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
