/** The checks behind parseLifecyclePolicy: each problem with its field, value and fix. */
import type { CountType } from './policy';

export const RULE_KEYS = ['rulePriority', 'description', 'selection', 'action'];
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

export class Problems {
  readonly list: { path: string; text: string }[] = [];
  add(path: string, value: unknown, problem: string, fix: string) {
    this.list.push({
      path,
      text: `${path}: ${problem} (received ${value === undefined ? 'nothing' : JSON.stringify(value)}); fix: ${fix}`,
    });
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function unknownKeys(
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

export function checkSelection(problems: Problems, path: string, raw: unknown) {
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

export function checkAction(problems: Problems, path: string, raw: unknown, countType: unknown) {
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
