/**
 * What every rendering says, worked out once: the mode line, the totals,
 * the ranking rows, the lists of deletions and protected images. Each
 * format only lays these out, so the terminal, Markdown, HTML, Slack and
 * email can never disagree on a figure or a sentence.
 */
import type { Digest, RepositoryDigest, Tip, Warning } from '../model/digest';
import type { Reason } from '../model/plan';
import {
  formatBytes,
  formatBytesChange,
  formatCount,
  formatInstant,
  formatPercent,
  formatReason,
  formatUsd,
  imageLabel,
} from './format';

export interface RenderOptions {
  /** Link to the full HTML report, when one is stored. */
  reportUrl?: string;
  /** Repositories in the summary part (Slack main message, email summary). @default 10 */
  topRepositories?: number;
}

export const DEFAULT_TOP_REPOSITORIES = 10;

export interface TotalLine {
  label: string;
  /** The main figure, e.g. `1.23 TB`. */
  value: string;
  /** What follows it, e.g. `$123.00/month`. */
  detail: string;
  /** Exact bytes behind `value`, when it is a byte figure. */
  bytes?: number;
}

export interface ImageLine {
  repository: string;
  image: string;
  imageDigest: string;
  /** Bytes it frees (deletions only). */
  reclaimableBytes?: number;
  reasons: string[];
}

export function modeLabel(digest: Digest): 'DRY RUN' | 'ENFORCED' {
  return digest.dryRun ? 'DRY RUN' : 'ENFORCED';
}

/** One sentence under the mode, saying what the run did to the registry. */
export function modeSentence(digest: Digest): string {
  return digest.dryRun
    ? 'Dry run: nothing was deleted or changed; the deletions below are proposals. To carry them out, run `ecr-janitor apply --yes` with the same options, or deploy with mode enforce.'
    : 'Enforced: the plan below was applied to the registry.';
}

export function digestTitle(digest: Digest): string {
  return `ECR storage digest: ${modeLabel(digest)}`;
}

/** Where and when: account, region, time, price. */
export function contextLine(digest: Digest): string {
  const where = [digest.accountId, digest.region].filter(Boolean).join(' · ');
  const price = `${formatUsd(digest.pricePerGbMonthUsd)}/GB-month`;
  const asOf =
    formatInstant(digest.now) === formatInstant(digest.generatedAt)
      ? ''
      : `ages as of ${formatInstant(digest.now)}`;
  return [where, formatInstant(digest.generatedAt), asOf, `price ${price}`]
    .filter(Boolean)
    .join(' · ');
}

export function totalLines(digest: Digest): TotalLine[] {
  const t = digest.totals;
  const lines: TotalLine[] = [
    {
      label: 'Stored',
      value: formatBytes(t.storedBytes),
      bytes: t.storedBytes,
      detail: `${formatUsd(t.monthlyCostUsd)}/month in ${formatCount(t.repositoryCount, 'repository', 'repositories')}, ${formatCount(t.imageCount, 'image')}`,
    },
    {
      label: 'Wasted',
      value: formatBytes(t.wastedBytes),
      bytes: t.wastedBytes,
      detail: `${formatUsd(t.wastedMonthlyCostUsd)}/month: ${formatBytes(t.reclaimableBytes)} reclaimable + ${formatBytes(t.bloatBytes)} bloat${digest.dryRun ? '' : ', as scanned before this run deleted anything'}`,
    },
  ];
  if (digest.dryRun) {
    lines.push({
      label: 'Proposed',
      value: formatCount(t.proposedDeletionCount, 'deletion'),
      detail: `would free ${formatBytes(t.reclaimableBytes)}`,
    });
  } else {
    const applied = digest.applied;
    const failed = applied?.failed.length ?? 0;
    const gone = applied?.alreadyGone.length ?? 0;
    lines.push({
      label: 'Deleted',
      value: formatCount(t.deletedCount, 'image'),
      detail: `of ${formatCount(t.proposedDeletionCount, 'planned')}, freeing ${formatBytes(applied?.reclaimedBytes ?? 0)}${gone ? `; ${gone} already gone` : ''}${failed ? `; ${failed} failed` : ''}`,
    });
  }
  lines.push({
    label: 'Protected',
    value: formatCount(t.protectedCount, 'image'),
    detail: 'kept whatever the rules say (in use, protected tag, index child, referrer)',
  });
  if (digest.trend) {
    lines.push({
      label: 'Trend',
      value: formatBytesChange(digest.trend.storedBytesChange),
      detail: `stored since ${formatInstant(digest.trend.previousRunAt)}; wasted ${formatBytesChange(digest.trend.wastedBytesChange)}`,
    });
  }
  return lines;
}

/** One line of totals, for places with little room (Slack thread replies, subjects). */
export function totalsSentence(digest: Digest): string {
  const t = digest.totals;
  const action = digest.dryRun
    ? `${formatCount(t.proposedDeletionCount, 'deletion')} proposed`
    : `${formatCount(t.deletedCount, 'image')} deleted`;
  return `${modeLabel(digest)}: stored ${formatBytes(t.storedBytes)} (${formatUsd(t.monthlyCostUsd)}/month), wasted ${formatBytes(t.wastedBytes)} (${formatUsd(t.wastedMonthlyCostUsd)}/month), ${action}, ${t.protectedCount} protected`;
}

export function bestTip(repository: RepositoryDigest): Tip | undefined {
  return repository.tips[0];
}

/** A tip as one sentence: what to change, where, and what it saves; then its caveat. */
export function tipSentence(tip: Tip): string {
  const { sentence, caveat } = tipParts(tip);
  return caveat ? `${sentence} ${caveat}` : sentence;
}

/**
 * The tip's sentence and its caveat apart, so a rendering that must shorten
 * the sentence never drops the caveat (e.g. that a saving must be verified).
 */
export function tipParts(tip: Tip): {
  sentence: string;
  head: string;
  saving: string;
  caveat?: string;
} {
  const where = tip.instruction ? ` (${tip.instruction.trim()})` : '';
  const amount = `${tip.basis === 'estimated' ? 'an estimated ' : ''}${formatBytes(tip.savedBytes)}`;
  const head = `${tip.title} in ${tip.image}${where}: ${tip.change.trim().replace(/\.$/, '')}`;
  const saving = `saves ${amount} (${formatUsd(tip.monthlyCostUsd)}/month).`;
  return {
    sentence: `${head}; ${saving}`,
    head,
    saving,
    caveat: tip.caveat?.trim() || undefined,
  };
}

/** `1.2 GB stored, 300 MB reclaimable, 50 MB bloat` */
export function repositoryFigures(repository: RepositoryDigest): string {
  return `${formatBytes(repository.storedBytes)} stored, ${formatBytes(repository.reclaimableBytes)} reclaimable, ${formatBytes(repository.bloatBytes)} bloat`;
}

export function growthText(repository: RepositoryDigest): string | undefined {
  return repository.storedBytesChange === undefined
    ? undefined
    : formatBytesChange(repository.storedBytesChange);
}

function reasonLines(reasons: Reason[]): string[] {
  return reasons.map(formatReason);
}

/** Deletions: what was deleted when enforcing, what is proposed in a dry run. */
export function deletionSection(digest: Digest): { title: string; lines: ImageLine[] } {
  const freed = new Map(digest.plan.deletions.map((d) => [`${d.repository}@${d.imageDigest}`, d]));
  if (!digest.dryRun && digest.applied) {
    return {
      title: 'Deleted images',
      lines: digest.applied.deleted.map((d) => ({
        repository: d.repository,
        imageDigest: d.imageDigest,
        image: imageLabel(d.repository, d.imageDigest, d.tags),
        reclaimableBytes: freed.get(`${d.repository}@${d.imageDigest}`)?.reclaimableBytes,
        reasons: reasonLines(d.reasons),
      })),
    };
  }
  return {
    title: digest.dryRun ? 'Proposed deletions' : 'Planned deletions (not applied)',
    lines: byRepository(digest.plan.deletions).map((d) => ({
      repository: d.repository,
      imageDigest: d.imageDigest,
      image: imageLabel(d.repository, d.imageDigest, d.tags),
      reclaimableBytes: d.reclaimableBytes,
      reasons: reasonLines(d.reasons),
    })),
  };
}

/** Lines of one repository together, repositories in name order, each in plan order. */
function byRepository<T extends { repository: string }>(items: T[]): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => a.item.repository.localeCompare(b.item.repository) || a.index - b.index)
    .map(({ item }) => item);
}

export function protectedLines(digest: Digest): ImageLine[] {
  return byRepository(digest.plan.protected).map((p) => ({
    repository: p.repository,
    imageDigest: p.imageDigest,
    image: imageLabel(p.repository, p.imageDigest, p.tags),
    reasons: reasonLines(p.reasons),
  }));
}

/** Deletions that failed when the plan was applied. */
export function failureLines(digest: Digest): string[] {
  return (digest.applied?.failed ?? []).map(
    (f) => `${f.repository}${f.imageDigest ? `@${f.imageDigest}` : ''}: ${f.code}: ${f.message}`,
  );
}

export function policyLines(digest: Digest): string[] {
  return digest.plan.lifecyclePolicies
    .filter((p) => p.action === 'put')
    .map((p) => {
      const put = digest.applied?.policiesPut.includes(p.repository);
      const verb = digest.dryRun ? 'would put' : put ? 'put' : 'did not put';
      return `${p.repository}: ${verb} a lifecycle policy${p.diff.length ? ` (${p.diff.map((line) => line.trim()).join('; ')})` : ''}`;
    });
}

/** Repositories named in the not-analysed line; the rest are counted. */
const NOT_ANALYSED_NAMED = 15;

/** What could not be analysed for bloat: the fleet share and the repositories concerned. */
export function notAnalysedLines(digest: Digest): string[] {
  if (digest.totals.storedBytes === 0) return [];
  const lines: string[] = [];
  if (digest.analysedShare < 1) {
    lines.push(
      `${formatPercent(digest.analysedShare)} of stored bytes had their layers analysed for bloat; bloat elsewhere is estimated from image history or not counted.`,
    );
  }
  const unanalysed = digest.repositories.filter((r) => r.storedBytes > 0 && r.analysedShare === 0);
  if (unanalysed.length > 0) {
    const named = unanalysed
      .slice(0, NOT_ANALYSED_NAMED)
      .map((r) => `${r.name} (${formatBytes(r.storedBytes)})`);
    const more = unanalysed.length - named.length;
    lines.push(
      `No layer analysed in ${formatCount(unanalysed.length, 'repository', 'repositories')}: ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}.`,
    );
  }
  return lines;
}

/** The warning shown as the partial-run banner, if the run was partial. */
export function partialRunBanner(digest: Digest): Warning | undefined {
  return digest.warnings.find((w) => w.code === 'partial-run');
}

/** Warnings for the warnings list: all but the one already shown as the banner. */
export function listedWarnings(digest: Digest): Warning[] {
  const banner = partialRunBanner(digest);
  return digest.warnings.filter((w) => w !== banner);
}

export function warningLine(warning: {
  code: string;
  repository?: string;
  message: string;
}): string {
  return `${warning.code}${warning.repository ? ` (${warning.repository})` : ''}: ${warning.message}`;
}

/** The largest wasted bytes in the ranking, the scale of every bar. */
export function barScale(digest: Digest): number {
  return digest.repositories.reduce((max, r) => Math.max(max, r.wastedBytes), 0);
}
