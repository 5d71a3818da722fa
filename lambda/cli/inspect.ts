/**
 * `ecr-janitor inspect IMAGE`: the bloat analysis of one image, from a
 * `docker save` archive, an OCI archive or layout folder, or a registry
 * reference. Thresholds turn it into a CI gate.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ECRClient } from '@aws-sdk/client-ecr';
import { analyseImage, type ImageAnalysis } from '../analyse/bloat/analyse-image';
import { analyseDockerfile, type DockerfileAnalysis } from '../analyse/bloat/dockerfile';
import { formatBytes } from '../analyse/bloat/observation';
import { sdkConfig } from '../aws/clients';
import { ConfigError, JanitorError } from '../errors';
import { openLocalImage, summariseLocalLayers } from '../layers/local-image';
import { RegistryClient } from '../registry/client';
import { ecrRegistryOptions, parseEcrHost } from '../registry/ecr-auth';
import { openRemoteImage, parseImageReference } from '../registry/remote-image';
import type { CliIo } from './program';

export interface InspectCommandOptions {
  format: 'text' | 'json';
  registryUrl?: string;
  region?: string;
  profile?: string;
  platform?: string;
  pricePerGbMonth: number;
  maxWastedBytes?: number;
  maxBloatBytes?: number;
  minEfficiency?: number;
  maxUserWastedPercent?: number;
}

/** A CI threshold that the image does not meet. */
export class ThresholdError extends JanitorError {}

export interface ThresholdCheck {
  name: string;
  limit: number;
  value: number | null;
  passed: boolean;
}

export interface InspectReport {
  image: string;
  source: string;
  manifestDigest: string;
  totalBytes: number;
  uncompressedBytes: number | null;
  layers: ImageAnalysis['layers'];
  hiddenBytes: number | null;
  duplicateBytes: number | null;
  bloatBytes: number;
  basis: ImageAnalysis['basis'];
  dive: {
    efficiency: number;
    wastedBytes: number;
    /** A ratio (0.48 = 48 %); null when the image has no bytes above its first layer (dive reports NaN). */
    userWastedPercent: number | null;
    /** Why userWastedPercent is null, when it is. */
    userWastedPercentNote?: string;
    sizeBytes: number;
    userSizeBytes: number;
    inefficiencies: Array<{ path: string; count: number; cumulativeSizeBytes: number }>;
  } | null;
  baseImage: ImageAnalysis['baseImage'];
  findings: ImageAnalysis['findings'];
  tips: ImageAnalysis['tips'];
  checks: ThresholdCheck[];
  passed: boolean;
}

async function loadImage(target: string, options: InspectCommandOptions) {
  if (existsSync(target)) {
    const image = await openLocalImage(target, { platform: options.platform });
    return { image, source: image.format, summaries: await summariseLocalLayers(image) };
  }
  const reference = parseImageReference(target);
  if (!reference) {
    throw new ConfigError(
      `"${target}" is neither a file or folder nor a registry reference such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.2 or 127.0.0.1:5000/app:latest`,
      { path: 'IMAGE' },
    );
  }
  const ecr = parseEcrHost(reference.host);
  const client = new RegistryClient(
    options.registryUrl
      ? { baseUrl: options.registryUrl }
      : ecr
        ? ecrRegistryOptions(
            new ECRClient(
              sdkConfig({ region: options.region ?? ecr.region, profile: options.profile }),
            ),
          )
        : { baseUrl: `https://${reference.host}` },
  );
  const image = await openRemoteImage(client, reference, { platform: options.platform });
  return { image, source: 'registry', summaries: await summariseLocalLayers(image) };
}

function checks(analysis: ImageAnalysis, options: InspectCommandOptions): ThresholdCheck[] {
  const list: ThresholdCheck[] = [];
  const dive = analysis.dive;
  if (options.maxWastedBytes !== undefined) {
    const value = dive?.wastedBytes ?? null;
    list.push({
      name: 'max-wasted-bytes',
      limit: options.maxWastedBytes,
      value,
      passed: value !== null && value <= options.maxWastedBytes,
    });
  }
  if (options.maxBloatBytes !== undefined) {
    list.push({
      name: 'max-bloat-bytes',
      limit: options.maxBloatBytes,
      value: analysis.bloatBytes,
      passed: analysis.bloatBytes <= options.maxBloatBytes,
    });
  }
  if (options.minEfficiency !== undefined) {
    const value = dive?.efficiency ?? null;
    list.push({
      name: 'min-efficiency',
      limit: options.minEfficiency,
      value,
      passed: value !== null && value >= options.minEfficiency,
    });
  }
  if (options.maxUserWastedPercent !== undefined) {
    // No bytes above the base layer: nothing the image's own steps could waste.
    const value = dive ? dive.userWastedPercent : null;
    list.push({
      name: 'max-user-wasted-percent',
      limit: options.maxUserWastedPercent,
      value,
      passed: value === null ? dive !== null : value <= options.maxUserWastedPercent,
    });
  }
  return list;
}

export async function inspectImage(
  target: string,
  options: InspectCommandOptions,
): Promise<InspectReport> {
  const { image, source, summaries } = await loadImage(target, options);
  const analysis = analyseImage({
    repository:
      'repository' in image ? image.repository : (image.repoTags[0]?.split(':')[0] ?? target),
    imageDigest: image.manifestDigest,
    image:
      'repoTags' in image && image.repoTags[0] ? `${image.repoTags[0]} (${target})` : image.image,
    config: image.config,
    layers: image.layers,
    summaries: Object.fromEntries(summaries.map((summary) => [summary.digest, summary])),
    pricePerGbMonthUsd: options.pricePerGbMonth,
  });
  const results = checks(analysis, options);
  return {
    image: analysis.image,
    source,
    manifestDigest: analysis.imageDigest,
    totalBytes: analysis.totalBytes,
    uncompressedBytes: analysis.uncompressedBytes,
    layers: analysis.layers,
    hiddenBytes: analysis.hiddenBytes,
    duplicateBytes: analysis.duplicateBytes,
    bloatBytes: analysis.bloatBytes,
    basis: analysis.basis,
    dive: analysis.dive && {
      ...analysis.dive,
      ...(analysis.dive.userWastedPercent === null
        ? {
            userWastedPercentNote:
              'the image has no bytes above its first layer, so the ratio is undefined (dive divides by zero and reports NaN)',
          }
        : {}),
    },
    baseImage: analysis.baseImage,
    findings: analysis.findings,
    tips: analysis.tips,
    checks: results,
    passed: results.every((check) => check.passed),
  };
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)} %`;
}

export function renderInspectText(report: InspectReport): string {
  const lines: string[] = [];
  lines.push(`Image: ${report.image} (${report.source}, ${report.manifestDigest})`);
  lines.push(
    `Stored: ${formatBytes(report.totalBytes)} in ${report.layers.length} layer(s)` +
      (report.uncompressedBytes !== null
        ? `, ${formatBytes(report.uncompressedBytes)} of files`
        : ''),
  );
  lines.push(
    `Bloat: ${formatBytes(report.bloatBytes)} (${report.basis})` +
      (report.hiddenBytes !== null
        ? `; hidden ${formatBytes(report.hiddenBytes)}, duplicate ${formatBytes(report.duplicateBytes ?? 0)}`
        : ''),
  );
  const base = report.baseImage;
  lines.push(
    `Base: ${base.distribution}${base.variant ? ` (${base.variant})` : ''}${base.language ? `, ${base.language} ${base.languageVersion ?? ''}` : ''} [${base.basis}]`,
  );
  if (report.dive) {
    lines.push(
      `dive figures: efficiency ${percent(report.dive.efficiency)}, wasted ${report.dive.wastedBytes} bytes, user wasted ${
        report.dive.userWastedPercent === null
          ? 'n/a (no bytes above the first layer)'
          : percent(report.dive.userWastedPercent)
      }`,
    );
  }
  // Causes below name history entries, so each layer shows its entry's index too.
  lines.push('', 'Layers (layer, history entry, stored size, instruction):');
  report.layers.forEach((layer, i) => {
    const history = layer.historyIndex === undefined ? '-' : `h${layer.historyIndex}`;
    lines.push(
      `  ${String(i).padStart(2)}  ${history.padStart(4)}  ${formatBytes(layer.sizeBytes).padStart(9)}  ${layer.instruction ?? '(no history entry)'}`,
    );
  });
  if (report.findings.length) {
    lines.push('', 'Findings:');
    for (const finding of report.findings) {
      lines.push(`  - [${finding.code}${finding.security ? ', security' : ''}] ${finding.message}`);
    }
  }
  if (report.tips.length) {
    lines.push('', 'Tips (largest saving first):');
    report.tips.forEach((tip, i) => {
      lines.push(
        `  ${i + 1}. ${tip.title} — saves ${formatBytes(tip.savedBytes)} (${tip.basis}), $${tip.monthlyCostUsd.toFixed(2)}/month`,
      );
      if (tip.instruction) lines.push(`     Cause (h${tip.historyIndex}): ${tip.instruction}`);
      lines.push(`     Change: ${tip.change}`);
      if (tip.caveat) lines.push(`     Note: ${tip.caveat}`);
    });
  }
  if (report.checks.length) {
    lines.push('', 'Checks:');
    for (const check of report.checks) {
      lines.push(
        `  ${check.passed ? 'PASS' : 'FAIL'} ${check.name}: ${check.value ?? 'n/a'} (limit ${check.limit})`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `Dockerfile`, `app.Dockerfile`, `Dockerfile.prod`: analysed as a Dockerfile, not an image. */
export function isDockerfile(target: string): boolean {
  return (
    /(^|\.)dockerfile$|^dockerfile\./i.test(basename(target)) &&
    existsSync(target) &&
    statSync(target).isFile()
  );
}

function renderDockerfileText(target: string, analysis: DockerfileAnalysis): string {
  const lines = [`Dockerfile: ${target} (final image from: ${analysis.finalStages.join(' > ')})`];
  if (analysis.findings.length) {
    lines.push('', 'Findings:');
    for (const f of analysis.findings) {
      lines.push(`  - line ${f.line} [${f.code}${f.security ? ', security' : ''}] ${f.message}`);
    }
  }
  if (analysis.tips.length) {
    lines.push('', 'Tips (largest saving first, all estimated):');
    analysis.tips.forEach((tip, i) => {
      lines.push(`  ${i + 1}. ${tip.title} — saves about ${formatBytes(tip.savedBytes)}`);
      lines.push(`     Cause (line ${tip.line}): ${tip.instruction}`);
      lines.push(`     Change: ${tip.change}`);
      if (tip.caveat) lines.push(`     Note: ${tip.caveat}`);
    });
  }
  if (!analysis.findings.length) lines.push('', 'No findings.');
  return `${lines.join('\n')}\n`;
}

export async function runInspectCommand(
  target: string,
  options: InspectCommandOptions,
  io: CliIo,
): Promise<void> {
  if (isDockerfile(target)) {
    const analysis = analyseDockerfile(readFileSync(target, 'utf8'), {
      name: target,
      pricePerGbMonthUsd: options.pricePerGbMonth,
    });
    io.stdout(
      options.format === 'json'
        ? `${JSON.stringify({ dockerfile: target, ...analysis }, null, 2)}\n`
        : renderDockerfileText(target, analysis),
    );
    return;
  }
  const report = await inspectImage(target, options);
  io.stdout(
    options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderInspectText(report),
  );
  const failed = report.checks.filter((check) => !check.passed);
  if (failed.length) {
    throw new ThresholdError(
      `${report.image} fails ${failed.map((c) => `${c.name} (${c.value ?? 'n/a'} against a limit of ${c.limit})`).join(', ')}`,
    );
  }
}
