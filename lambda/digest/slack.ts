/**
 * The Slack rendering: Block Kit messages within Slack's limits. The first
 * message is the summary (totals, the top repositories by wasted storage,
 * counts of warnings and deletions, a link to the full report); the details
 * follow as thread replies. Every message repeats the totals, at most 50
 * blocks, each section at most 3,000 characters, and the text of a message
 * stays well under 12,000 characters.
 */
import type { Digest, RepositoryDigest } from '../model/digest';
import { formatBytes, formatCount, formatUsd, textBar, truncate } from './format';
import {
  barScale,
  bestTip,
  contextLine,
  DEFAULT_TOP_REPOSITORIES,
  deletionSection,
  digestTitle,
  failureLines,
  growthText,
  modeSentence,
  notAnalysedLines,
  policyLines,
  protectedLines,
  tipParts,
  totalLines,
  totalsSentence,
  warningLine,
  partialRunBanner,
  type RenderOptions,
} from './view';

/** Slack's documented limits, and the budget this rendering keeps to. */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionTextChars: 3000,
  headerTextChars: 150,
  /** Slack truncates messages past about 12,000 characters; stay well under. */
  messageTextBudget: 8000,
} as const;

/** Thread replies at most; what does not fit is counted and left to the full report. */
export const MAX_THREAD_REPLIES = 10;

interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
}

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string } }
  | { type: 'section'; text: TextObject }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' };

export interface SlackMessage {
  /** Notification and accessibility fallback. */
  text: string;
  blocks: SlackBlock[];
}

/** Slack's mrkdwn reads `&`, `<` and `>` as markup. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function section(text: string): SlackBlock {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionTextChars) },
  };
}

function context(text: string): SlackBlock {
  return {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionTextChars) }],
  };
}

/** Characters of text in a message: the fallback plus every text object. */
export function messageTextLength(message: SlackMessage): number {
  let total = message.text.length;
  for (const block of message.blocks) {
    if (block.type === 'section' || block.type === 'header') total += block.text.text.length;
    if (block.type === 'context') total += block.elements.reduce((n, e) => n + e.text.length, 0);
  }
  return total;
}

function reportLink(options: RenderOptions): string {
  return options.reportUrl ? ` <${options.reportUrl}|Open the full report>.` : '';
}

function totalsBlock(digest: Digest): SlackBlock {
  const lines = totalLines(digest).map(
    (line) => `*${line.label}:* ${line.value} · ${escapeMrkdwn(line.detail)}`,
  );
  return section(lines.join('\n'));
}

function repositoryEntry(
  r: RepositoryDigest,
  rank: number,
  scale: number,
  tipChars: number,
): string {
  const growth = growthText(r);
  const lines = [
    `*${rank}. ${escapeMrkdwn(r.name)}*  \`${textBar(r.wastedBytes, scale, 12)}\`  *${formatBytes(r.wastedBytes)}* wasted (${formatUsd(r.wastedMonthlyCostUsd)}/month)`,
    `${formatBytes(r.storedBytes)} stored (${formatUsd(r.monthlyCostUsd)}/month) · ${formatBytes(r.reclaimableBytes)} reclaimable · ${formatBytes(r.bloatBytes)} bloat${growth ? ` · ${growth} since last run` : ''}`,
  ];
  const tip = bestTip(r);
  if (tip && tipChars > 0) {
    // Only the description is shortened: the saving and the caveat always stay.
    const { head, saving, caveat } = tipParts(tip);
    const room = Math.max(40, tipChars - saving.length - 2);
    const text = `${truncate(head, room)}; ${saving}${caveat ? ` ${caveat}` : ''}`;
    lines.push(`:bulb: ${escapeMrkdwn(text)}`);
  }
  return lines.join('\n');
}

function repositoryLine(r: RepositoryDigest, rank: number): string {
  const growth = growthText(r);
  return `*${rank}. ${escapeMrkdwn(r.name)}* *${formatBytes(r.wastedBytes)}* wasted (${formatUsd(r.wastedMonthlyCostUsd)}/month) · ${formatBytes(r.storedBytes)} stored (${formatUsd(r.monthlyCostUsd)}/month) · ${formatBytes(r.reclaimableBytes)} reclaimable · ${formatBytes(r.bloatBytes)} bloat${growth ? ` · ${growth} since last run` : ''}`;
}

export function renderSlackMessages(digest: Digest, options: RenderOptions = {}): SlackMessage[] {
  const scale = barScale(digest);
  const top = Math.max(1, options.topRepositories ?? DEFAULT_TOP_REPOSITORIES);
  const main = mainMessage(digest, options, scale, top);
  const shown = main.shownRepositories;

  // One line per repository in the thread; their tips are in the full report.
  const rest = digest.repositories.slice(shown).map((r, i) => repositoryLine(r, shown + i + 1));
  const groups: { title: string; lines: string[] }[] = [
    {
      title: `Repositories ${shown + 1}–${digest.repositories.length} by wasted storage`,
      lines: rest,
    },
    { title: 'Warnings', lines: digest.warnings.map((w) => escapeMrkdwn(warningLine(w))) },
    { title: 'Not analysed', lines: notAnalysedLines(digest).map(escapeMrkdwn) },
  ];
  const deletions = deletionSection(digest);
  groups.push({
    title: deletions.title,
    lines: deletions.lines.map(
      (d) =>
        `\`${escapeMrkdwn(d.image)}\`${d.reclaimableBytes === undefined ? '' : ` frees ${formatBytes(d.reclaimableBytes)}`}: ${escapeMrkdwn(d.reasons.join('; '))}`,
    ),
  });
  groups.push({ title: 'Failed deletions', lines: failureLines(digest).map(escapeMrkdwn) });
  groups.push({
    title: 'Protected images',
    lines: protectedLines(digest).map(
      (p) => `\`${escapeMrkdwn(p.image)}\`: ${escapeMrkdwn(p.reasons.join('; '))}`,
    ),
  });
  groups.push({ title: 'Lifecycle policies', lines: policyLines(digest).map(escapeMrkdwn) });

  return [
    main.message,
    ...threadReplies(
      digest,
      options,
      groups.filter((g) => g.lines.length > 0),
    ),
  ];
}

function mainMessage(
  digest: Digest,
  options: RenderOptions,
  scale: number,
  top: number,
): { message: SlackMessage; shownRepositories: number } {
  const head: SlackBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(digestTitle(digest), SLACK_LIMITS.headerTextChars),
      },
    },
    context(`${escapeMrkdwn(modeSentence(digest))}\n${escapeMrkdwn(contextLine(digest))}`),
    totalsBlock(digest),
  ];
  const partial = partialRunBanner(digest);
  if (partial)
    head.push(section(`:warning: *Partial run.* ${escapeMrkdwn(truncate(partial.message, 1500))}`));
  head.push({ type: 'divider' });

  const total = digest.repositories.length;
  const wanted = Math.min(top, total);
  const footer = (shown: number): SlackBlock[] => {
    const notes: string[] = [];
    if (shown < total)
      notes.push(`${formatCount(total - shown, 'more repository', 'more repositories')}`);
    const warnings = digest.warnings.length;
    if (warnings) notes.push(formatCount(warnings, 'warning'));
    const deletions = deletionSection(digest).lines.length;
    if (deletions) notes.push(`${deletions} ${deletionSection(digest).title.toLowerCase()}`);
    if (digest.plan.protected.length)
      notes.push(`${digest.plan.protected.length} protected images`);
    const where = notes.length
      ? `Details in the thread: ${notes.join(', ')}.`
      : 'Nothing more to report.';
    return [context(`${where}${reportLink(options)}`)];
  };

  // Fit as many of the top repositories as the budget allows; the rest go to the thread.
  for (let shown = wanted; ; shown--) {
    const heading =
      total === 0
        ? section('No repositories in scope.')
        : section(
            `*Top ${shown} of ${formatCount(total, 'repository', 'repositories')} by wasted storage*`,
          );
    const entries = digest.repositories
      .slice(0, shown)
      .map((r, i) => section(repositoryEntry(r, i + 1, scale, 220)));
    const message: SlackMessage = {
      text: totalsSentence(digest),
      blocks: [...head, heading, ...entries, ...footer(shown)],
    };
    const fits =
      message.blocks.length <= SLACK_LIMITS.blocksPerMessage &&
      messageTextLength(message) <= SLACK_LIMITS.messageTextBudget;
    if (fits || shown === 0) return { message, shownRepositories: shown };
  }
}

function threadReplies(
  digest: Digest,
  options: RenderOptions,
  groups: { title: string; lines: string[] }[],
): SlackMessage[] {
  const replies: SlackMessage[] = [];
  const start = (): SlackMessage => ({
    text: totalsSentence(digest),
    blocks: [context(`*Totals* · ${escapeMrkdwn(totalsSentence(digest))}`)],
  });
  let current = start();
  let sectionLines: string[] = [];
  // Room kept for the closing "N more" note.
  const budget = SLACK_LIMITS.messageTextBudget - 400;
  const blockLimit = SLACK_LIMITS.blocksPerMessage - 1;
  const sectionLimit = SLACK_LIMITS.sectionTextChars - 100;

  const flushSection = () => {
    if (sectionLines.length) current.blocks.push(section(sectionLines.join('\n')));
    sectionLines = [];
  };
  const flushMessage = () => {
    flushSection();
    if (current.blocks.length > 1) replies.push(current);
    current = start();
  };
  const pendingLength = () => sectionLines.reduce((n, l) => n + l.length + 1, 0);

  const all: string[] = [];
  for (const group of groups) {
    all.push(`*${escapeMrkdwn(group.title)} (${group.lines.length})*`);
    all.push(...group.lines.map((line) => truncate(line, sectionLimit)));
  }

  let index = 0;
  for (; index < all.length; index++) {
    const line = all[index];
    if (pendingLength() + line.length > sectionLimit) flushSection();
    const wouldBe = messageTextLength(current) + pendingLength() + line.length;
    if (wouldBe > budget || current.blocks.length + 1 > blockLimit) {
      if (replies.length + 1 >= MAX_THREAD_REPLIES) break;
      flushMessage();
    }
    sectionLines.push(line);
  }
  flushSection();
  if (index < all.length) {
    current.blocks.push(
      context(
        `${all.length - index} more lines not shown here. Run \`ecr-janitor report\` for the full list.${reportLink(options)}`,
      ),
    );
  }
  if (current.blocks.length > 1) replies.push(current);
  return replies;
}
