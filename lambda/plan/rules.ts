/**
 * The retention rules, judged on images that no seed protection keeps:
 * untagged images past their age, tagged images beyond the newest N of
 * their group, and tagged images that are old and not pulled for long.
 */
import type { Rules } from '../config/schema';
import type { ImageRecord } from '../model/inventory';
import { matchesPattern } from '../util/pattern';
import { newestFirst, type ImageGraph } from './graph';
import { ReasonBook } from './protect';

const DAY_MS = 86_400_000;

export function ageDays(iso: string | undefined, now: Date): number | undefined {
  if (!iso) return undefined;
  const time = Date.parse(iso);
  return Number.isFinite(time) ? (now.getTime() - time) / DAY_MS : undefined;
}

/**
 * Images the rules select for deletion, with their reasons. Protected
 * images still take part in the keep-last ranking (as ECR's own count rules
 * do): "keep the last 10" keeps the ten newest, and an older protected image
 * is kept besides them, never in place of one of them.
 */
export function applyRules(
  graph: ImageGraph,
  rules: Rules,
  seeded: ReasonBook,
  now: Date,
): ReasonBook {
  const selected = new ReasonBook();
  const images = [...graph.images.values()].sort(newestFirst);
  const eligible = (image: ImageRecord) => !seeded.has(image.imageDigest);

  if (rules.untaggedDays !== null) {
    for (const image of images) {
      const age = ageDays(image.pushedAt, now);
      if (
        image.tags.length === 0 &&
        age !== undefined &&
        age > rules.untaggedDays &&
        eligible(image)
      ) {
        selected.add(image.imageDigest, {
          code: 'untagged-expired',
          detail: `untagged and pushed ${Math.floor(age)} days ago (rule: untagged images older than ${rules.untaggedDays} days)`,
        });
      }
    }
  }

  keepLast(images, rules, eligible, selected);

  if (rules.stale) {
    const { olderThanDays, notPulledDays } = rules.stale;
    for (const image of images) {
      if (image.tags.length === 0 || !eligible(image)) continue;
      const age = ageDays(image.pushedAt, now);
      const sincePull = ageDays(image.lastPulledAt, now) ?? age;
      if (age === undefined || sincePull === undefined) continue;
      if (age > olderThanDays && sincePull > notPulledDays) {
        const pulled = image.lastPulledAt
          ? `last pulled ${Math.floor(sincePull)} days ago`
          : 'never pulled';
        selected.add(image.imageDigest, {
          code: 'not-pulled',
          detail: `pushed ${Math.floor(age)} days ago and ${pulled} (rule: older than ${olderThanDays} days and not pulled for ${notPulledDays}; ECR records pull times about once a day, so they are approximate)`,
        });
      }
    }
  }
  return selected;
}

/** An image in several groups is deleted only when every one of its groups has it beyond its count. */
function keepLast(
  images: ImageRecord[],
  rules: Rules,
  eligible: (image: ImageRecord) => boolean,
  selected: ReasonBook,
): void {
  if (!rules.keepLast.length) return;
  const kept = new Set<string>();
  const beyond = new Map<string, { pattern: string; count: number; rank: number }>();
  for (const { tagPattern, count } of rules.keepLast) {
    const group = images.filter((image) => image.tags.some((t) => matchesPattern(t, tagPattern)));
    group.forEach((image, index) => {
      if (index < count) kept.add(image.imageDigest);
      else if (!beyond.has(image.imageDigest)) {
        beyond.set(image.imageDigest, { pattern: tagPattern, count, rank: index + 1 });
      }
    });
  }
  for (const image of images) {
    const over = beyond.get(image.imageDigest);
    if (!over || kept.has(image.imageDigest) || !eligible(image)) continue;
    selected.add(image.imageDigest, {
      code: 'beyond-keep-count',
      detail: `number ${over.rank} from the newest of the images tagged ${over.pattern} (rule: keep the newest ${over.count})`,
    });
  }
}
