/**
 * Native lifecycle policies written from the configuration, for the rules
 * that are safe to hand to ECR, and their difference from the current
 * policy. ECR knows nothing of workloads or protected tags, so a native
 * rule is written only when none of the images it could ever select (today's
 * images matching its selection, whatever their age or rank) is protected
 * for a reason ECR would not honour itself. ECR already refuses to expire a
 * child that an index lists, so `index-child` alone does not block a rule.
 * Stale rules are never native: ECR can only archive by pull time.
 */
import type { Rules } from '../../config/schema';
import type { PlannedPolicy } from '../../model/plan';
import { matchesPattern } from '../../util/pattern';
import type { ImageGraph } from '../graph';
import type { ReasonBook } from '../protect';
import { ruleSelects } from './evaluate';
import { parseLifecyclePolicy, type LifecyclePolicy, type LifecycleRule } from './policy';

export const NATIVE_RULE_PREFIX = 'ecr-janitor:';

function blocking(protections: ReasonBook, digest: string): boolean {
  return protections.get(digest).some((reason) => reason.code !== 'index-child');
}

/** Native rules for the configured rules, each checked against the images present. */
export function nativeRules(
  rules: Rules,
  graph: ImageGraph,
  protections: ReasonBook,
): { rules: LifecycleRule[]; skipped: string[] } {
  const images = [...graph.images.values()];
  const out: LifecycleRule[] = [];
  const skipped: string[] = [];
  const safe = (rule: LifecycleRule, what: string) => {
    const hit = images.find((i) => ruleSelects(rule, i) && blocking(protections, i.imageDigest));
    if (hit) {
      skipped.push(
        `${what}: not written natively, it could expire protected image ${hit.imageDigest}`,
      );
      return false;
    }
    return true;
  };

  for (const { tagPattern, count } of rules.keepLast) {
    // A pattern no image has yet cannot be checked against protected images,
    // and would only govern images nobody has seen; the next run writes it
    // once such images exist.
    if (!images.some((i) => i.tags.some((t) => matchesPattern(t, tagPattern)))) continue;
    const rule: LifecycleRule = {
      rulePriority: out.length + 1,
      description: `${NATIVE_RULE_PREFIX} keep the newest ${count} images tagged ${tagPattern}`,
      selection: {
        tagStatus: 'tagged',
        tagPatternList: [tagPattern],
        countType: 'imageCountMoreThan',
        countNumber: count,
      },
      action: { type: 'expire' },
    };
    // ECR gives an image to the first rule that matches it; our groups keep an
    // image any group keeps. They agree only when no image is in two groups.
    const shared = images.find(
      (i) =>
        i.tags.some((t) => matchesPattern(t, tagPattern)) &&
        rules.keepLast.some(
          (other) =>
            other.tagPattern !== tagPattern &&
            i.tags.some((t) => matchesPattern(t, other.tagPattern)),
        ),
    );
    if (shared) {
      skipped.push(
        `keep-last ${tagPattern}: not written natively, image ${shared.imageDigest} is in another keep-last group too`,
      );
      continue;
    }
    if (safe(rule, `keep-last ${tagPattern}`)) out.push(rule);
  }

  if (rules.untaggedDays !== null) {
    const rule: LifecycleRule = {
      rulePriority: out.length + 1,
      description: `${NATIVE_RULE_PREFIX} expire untagged images older than ${rules.untaggedDays} days`,
      selection: {
        tagStatus: 'untagged',
        countType: 'sinceImagePushed',
        countUnit: 'days',
        countNumber: rules.untaggedDays,
      },
      action: { type: 'expire' },
    };
    if (safe(rule, 'untagged')) out.push(rule);
  }
  return { rules: out, skipped };
}

/** Key order and rule order fixed, so equal policies compare equal as text. */
export function canonicalPolicy(policy: LifecyclePolicy): string {
  const sortKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value as object)
          .sort()
          .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  const rules = [...policy.rules].sort((a, b) => a.rulePriority - b.rulePriority);
  return JSON.stringify(sortKeys({ rules }));
}

function describeRule(rule: LifecycleRule): string {
  return `rule ${rule.rulePriority}: ${rule.description ?? JSON.stringify(rule.selection)}`;
}

export function planPolicy(
  repository: string,
  currentText: string | undefined,
  generated: { rules: LifecycleRule[]; skipped: string[] },
): PlannedPolicy | undefined {
  let current: LifecyclePolicy | undefined;
  try {
    current = currentText ? parseLifecyclePolicy(currentText) : undefined;
  } catch {
    current = undefined;
  }
  const notes = generated.skipped.map((s) => `  ${s}`);
  if (generated.rules.length === 0) {
    if (!currentText) return undefined;
    return {
      repository,
      currentPolicyText: currentText,
      action: 'unchanged',
      diff: [
        'no configured rule is safe to hand to ECR here; the current policy is left as it is',
        ...notes,
      ],
    };
  }
  const policy: LifecyclePolicy = { rules: generated.rules };
  const policyText = JSON.stringify(policy);
  if (current && canonicalPolicy(current) === canonicalPolicy(policy)) {
    return { repository, currentPolicyText: currentText, action: 'unchanged', diff: notes };
  }
  const before = new Set((current?.rules ?? []).map(describeRule));
  const after = new Set(policy.rules.map(describeRule));
  const diff = [
    ...[...before].filter((r) => !after.has(r)).map((r) => `- ${r}`),
    ...[...after].filter((r) => !before.has(r)).map((r) => `+ ${r}`),
    ...(currentText && !current ? ['- the current policy (unreadable)'] : []),
    ...notes,
  ];
  return { repository, policyText, currentPolicyText: currentText, action: 'put', diff };
}
