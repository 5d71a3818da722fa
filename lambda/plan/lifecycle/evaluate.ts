/**
 * A local evaluator of native ECR lifecycle policies, with AWS's documented
 * semantics:
 * - rules apply in `rulePriority` order, lowest first;
 * - an image is acted on by at most one rule;
 * - an image that matches the tag requirements of a rule cannot be acted on
 *   by a rule of lower priority, although lower rules still count it (for
 *   `imageCountMoreThan`) as if it had not been acted on;
 * - several prefixes or patterns in one rule must all match (each one by
 *   any of the image's tags);
 * - count rules keep the newest images by push time and act on the rest;
 *   age rules act on images older than `countNumber` days;
 * - an image listed by an index cannot be expired while the index stays.
 */
import type { ImageRecord } from '../../model/inventory';
import { matchesPattern } from '../../util/pattern';
import { newestFirst } from '../graph';
import type { LifecyclePolicy, LifecycleRule } from './policy';

const DAY_MS = 86_400_000;

export interface PolicyAction {
  imageDigest: string;
  rulePriority: number;
  action: 'expire' | 'transition';
}

export interface PolicyEvaluation {
  actions: PolicyAction[];
  /** Digests each rule's selection (tag status, tags, storage class) matched, by priority. */
  matchedByRule: Map<number, string[]>;
}

export interface EvaluateOptions {
  /** Child digest → digests of the indexes that list it. */
  parents?: Map<string, string[]>;
}

export function ruleSelects(rule: LifecycleRule, image: ImageRecord): boolean {
  const { selection } = rule;
  const storageClass =
    selection.storageClass ??
    (selection.countType === 'sinceImageTransitioned' ? 'archive' : 'standard');
  if ((image.storageClass ?? 'STANDARD').toLowerCase() !== storageClass) return false;
  switch (selection.tagStatus) {
    case 'untagged':
      return image.tags.length === 0;
    case 'any':
      return true;
    case 'tagged':
      if (image.tags.length === 0) return false;
      if (selection.tagPrefixList) {
        return selection.tagPrefixList.every((prefix) =>
          image.tags.some((t) => t.startsWith(prefix)),
        );
      }
      return (selection.tagPatternList ?? []).every((pattern) =>
        image.tags.some((t) => matchesPattern(t, pattern)),
      );
  }
}

function olderThan(iso: string | undefined, days: number, now: Date): boolean {
  if (!iso) return false;
  const time = Date.parse(iso);
  return Number.isFinite(time) && now.getTime() - time > days * DAY_MS;
}

/** The images a rule would act on among those its selection matched, oldest first. */
function ruleTargets(rule: LifecycleRule, matched: ImageRecord[], now: Date): ImageRecord[] {
  const { countType, countNumber } = rule.selection;
  const sorted = [...matched].sort(newestFirst);
  switch (countType) {
    case 'imageCountMoreThan':
      return sorted.slice(countNumber).reverse();
    case 'sinceImagePushed':
      return sorted.filter((i) => olderThan(i.pushedAt, countNumber, now)).reverse();
    case 'sinceImagePulled':
      // An image never pulled is judged by its push time.
      return sorted
        .filter((i) => olderThan(i.lastPulledAt ?? i.pushedAt, countNumber, now))
        .reverse();
    case 'sinceImageTransitioned':
      return sorted.filter((i) => olderThan(i.lastArchivedAt, countNumber, now)).reverse();
  }
}

export function evaluateLifecyclePolicy(
  policy: LifecyclePolicy,
  images: ImageRecord[],
  now: Date,
  options: EvaluateOptions = {},
): PolicyEvaluation {
  const rules = [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority);
  const claimed = new Set<string>();
  const acted = new Map<string, PolicyAction>();
  const matchedByRule = new Map<number, string[]>();

  for (const rule of rules) {
    const matched = images.filter((image) => ruleSelects(rule, image));
    matchedByRule.set(
      rule.rulePriority,
      matched.map((i) => i.imageDigest),
    );
    for (const image of ruleTargets(rule, matched, now)) {
      if (claimed.has(image.imageDigest) || acted.has(image.imageDigest)) continue;
      acted.set(image.imageDigest, {
        imageDigest: image.imageDigest,
        rulePriority: rule.rulePriority,
        action: rule.action.type,
      });
    }
    for (const image of matched) claimed.add(image.imageDigest);
  }

  // ECR refuses to expire a manifest that an index still lists; repeat until
  // no index that stays holds an image marked for expiry.
  const parents = options.parents ?? new Map<string, string[]>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const [digest, action] of acted) {
      const held = (parents.get(digest) ?? []).some((p) => acted.get(p)?.action !== 'expire');
      if (action.action === 'expire' && held) {
        acted.delete(digest);
        changed = true;
      }
    }
  }

  const order = new Map(images.map((image, i) => [image.imageDigest, i]));
  const actions = [...acted.values()].sort(
    (a, b) =>
      a.rulePriority - b.rulePriority ||
      (order.get(a.imageDigest) ?? 0) - (order.get(b.imageDigest) ?? 0),
  );
  return { actions, matchedByRule };
}
