/**
 * Which base image an image is built on, and what a lighter one would save.
 *
 * The size table gives approximate uncompressed sizes (what `docker images`
 * shows for linux/amd64) of common official images, rounded, as published on
 * Docker Hub and gcr.io for recent releases. Older releases were smaller;
 * the figures are for comparison and every saving built on them is marked
 * `estimated`.
 */
import type { LayerSummary } from '../../model/layer';
import { configEnv, type HistoryStep, type ImageConfig } from './history';

const MB = 1_000_000;

/** Approximate uncompressed sizes of base images, in bytes. */
export const BASE_IMAGE_SIZES: Record<string, number> = {
  'debian (full)': 117 * MB,
  'debian-slim': 74 * MB,
  ubuntu: 78 * MB,
  alpine: 8 * MB,
  'distroless/static': 2 * MB,
  'distroless/base': 20 * MB,
  'buildpack-deps (full)': 820 * MB,
  'node (full)': 1100 * MB,
  'node-slim': 200 * MB,
  'node-alpine': 135 * MB,
  'python (full)': 1000 * MB,
  'python-slim': 130 * MB,
  'python-alpine': 50 * MB,
  'ruby (full)': 1000 * MB,
  'ruby-slim': 200 * MB,
  'golang (full)': 815 * MB,
  'ubi (full)': 215 * MB,
  'ubi-minimal': 100 * MB,
};

export type Distribution =
  'debian' | 'ubuntu' | 'alpine' | 'rhel' | 'distroless' | 'busybox' | 'scratch' | 'unknown';

export interface BaseImage {
  distribution: Distribution;
  version?: string;
  /** `full`, `slim`, `minimal` or `alpine`, when it can be told. */
  variant?: string;
  /** A language image on top of the distribution (`node`, `python`, …), when one is recognised. */
  language?: string;
  languageVersion?: string;
  /** Built on buildpack-deps: compilers, headers and VCS tools included. */
  buildpackDeps: boolean;
  /** Uncompressed bytes of the first layer, when measured. */
  firstLayerBytes?: number;
  basis: 'measured' | 'estimated';
  evidence: string[];
}

const LANGUAGE_ENV: Array<[string, string]> = [
  ['NODE_VERSION', 'node'],
  ['PYTHON_VERSION', 'python'],
  ['RUBY_VERSION', 'ruby'],
  ['GOLANG_VERSION', 'golang'],
  ['JAVA_VERSION', 'openjdk'],
];

/** Variables set by ENV steps, for configs whose final Env was trimmed. */
function historyEnv(steps: HistoryStep[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const step of steps) {
    if (step.kind !== 'ENV') continue;
    for (const match of step.text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)[= ]("[^"]*"|\S+)/g)) {
      env[match[1]] = match[2].replace(/^"|"$/g, '');
    }
  }
  return env;
}

/** buildpack-deps installs VCS tools, then compilers and dozens of -dev packages. */
function isBuildpackStep(step: HistoryStep): boolean {
  const text = step.text;
  const scm = /\bbzr\b/.test(text) && /\bmercurial\b/.test(text) && /\bsubversion\b/.test(text);
  const toolchain =
    /\bautoconf\b/.test(text) && /\bautomake\b/.test(text) && /\blibtool\b/.test(text);
  return step.kind === 'RUN' && (scm || toolchain);
}

function distributionFromOsRelease(fields: Record<string, string>): Distribution {
  const id = (fields.ID ?? '').toLowerCase();
  if (/distroless/i.test(fields.PRETTY_NAME ?? '')) return 'distroless';
  if (id === 'debian') return 'debian';
  if (id === 'ubuntu') return 'ubuntu';
  if (id === 'alpine') return 'alpine';
  if (['rhel', 'centos', 'fedora', 'rocky', 'almalinux', 'amzn', 'ol'].includes(id)) return 'rhel';
  return 'unknown';
}

/**
 * Identifies the base image: from `os-release` in the first layers when their
 * summaries exist (measured), else from the history and environment (estimated).
 */
export function identifyBaseImage(
  config: ImageConfig | undefined,
  steps: HistoryStep[],
  summaries: Array<LayerSummary | undefined>,
): BaseImage {
  const evidence: string[] = [];
  const env = { ...historyEnv(steps), ...configEnv(config) };
  const base: BaseImage = {
    distribution: 'unknown',
    buildpackDeps: false,
    basis: 'estimated',
    evidence,
  };

  const withOs = summaries.slice(0, 3).find((summary) => summary?.osRelease);
  if (withOs?.osRelease) {
    base.distribution = distributionFromOsRelease(withOs.osRelease);
    base.version = withOs.osRelease.VERSION_ID;
    base.basis = 'measured';
    evidence.push(
      `os-release in layer ${summaries.indexOf(withOs)}: ${withOs.osRelease.PRETTY_NAME ?? withOs.osRelease.ID}`,
    );
  }
  if (summaries[0]) base.firstLayerBytes = summaries[0].sizeBytes;

  const text = steps.map((step) => step.text).join('\n');
  if (base.distribution === 'unknown') {
    if (/\bapk (add|update|upgrade)\b/.test(text)) base.distribution = 'alpine';
    else if (/\bapt-get\b|\bapt install\b|\bdpkg\b/.test(text)) base.distribution = 'debian';
    else if (/\b(yum|dnf|microdnf)\b/.test(text)) base.distribution = 'rhel';
    else if (steps.length && steps.every((step) => step.createdBy.startsWith('bazel build')))
      base.distribution = 'distroless';
    else if (steps[0]?.kind === 'ADD' && JSON.stringify(config?.config?.Cmd) === '["/bin/sh"]')
      base.distribution = 'alpine';
    else if (steps[0]?.kind === 'ADD' && JSON.stringify(config?.config?.Cmd) === '["sh"]')
      base.distribution = 'busybox';
    else if (
      steps.length &&
      steps.every((step) => step.kind !== 'ADD' || !/^file:\S+ in \/$/.test(step.text))
    )
      base.distribution = 'scratch';
    if (base.distribution !== 'unknown')
      evidence.push(`history and command suggest ${base.distribution}`);
  }

  if (base.distribution === 'alpine') base.variant = 'alpine';
  if (base.distribution === 'debian' && base.firstLayerBytes !== undefined) {
    // Debian's slim variant drops docs, man pages and locales: its first layer is ~75 MB, the full one ~120 MB.
    base.variant = base.firstLayerBytes < 95 * MB ? 'slim' : 'full';
    evidence.push(
      `first layer ${Math.round(base.firstLayerBytes / MB)} MB: ${base.variant} variant`,
    );
  }

  for (const [name, language] of LANGUAGE_ENV) {
    if (env[name]) {
      base.language = language;
      base.languageVersion = env[name];
      evidence.push(`${name}=${env[name]}`);
      break;
    }
  }
  const buildpack = steps.filter(isBuildpackStep);
  if (buildpack.length) {
    base.buildpackDeps = true;
    base.variant = 'full';
    evidence.push(
      `buildpack-deps steps at history ${buildpack.map((s) => s.historyIndex).join(', ')}`,
    );
  }
  return base;
}

export interface LighterBase {
  from: string;
  to: string;
  /** Estimated uncompressed bytes saved, from the size table. */
  savedBytes: number;
  /** True when the suggestion changes the C library or removes the shell. */
  needsVerification: boolean;
  historyIndex?: number;
}

/** The lighter base worth suggesting, if any. */
export function lighterBase(base: BaseImage, steps: HistoryStep[]): LighterBase | undefined {
  const major = base.languageVersion?.split('.')[0];
  if (base.language && base.buildpackDeps && ['node', 'python', 'ruby'].includes(base.language)) {
    const full = BASE_IMAGE_SIZES[`${base.language} (full)`];
    const slim = BASE_IMAGE_SIZES[`${base.language}-slim`];
    const marker =
      steps.find(
        (step) =>
          step.kind === 'ENV' && step.text.includes(`${base.language!.toUpperCase()}_VERSION`),
      ) ?? steps.find(isBuildpackStep);
    return {
      from: `${base.language}:${major ?? ''} (full, on buildpack-deps)`,
      to: `${base.language}:${major ? `${major}-` : ''}slim or ${base.language}:${major ? `${major}-` : ''}alpine`,
      savedBytes: full - slim,
      needsVerification: true,
      historyIndex: marker?.historyIndex,
    };
  }
  if (base.language === 'golang') {
    // A Go service needs only its binary: the SDK image is a builder, not a runtime.
    return {
      from: `golang:${base.languageVersion ?? ''} (the Go SDK image)`,
      to: 'gcr.io/distroless/static (or scratch), with the binary built in a golang builder stage',
      savedBytes: BASE_IMAGE_SIZES['golang (full)'] - BASE_IMAGE_SIZES['distroless/static'],
      needsVerification: true,
      historyIndex: steps.find(
        (step) => step.kind === 'ENV' && step.text.includes('GOLANG_VERSION'),
      )?.historyIndex,
    };
  }
  if (base.buildpackDeps) {
    return {
      from: 'buildpack-deps (full)',
      to: 'debian:<release>-slim',
      savedBytes: BASE_IMAGE_SIZES['buildpack-deps (full)'] - BASE_IMAGE_SIZES['debian-slim'],
      needsVerification: true,
      historyIndex: steps.find(isBuildpackStep)?.historyIndex,
    };
  }
  if (base.distribution === 'debian' && base.variant === 'full' && base.basis === 'measured') {
    return {
      from: `debian:${base.version ?? '<release>'} (full)`,
      to: `debian:${base.version ?? '<release>'}-slim`,
      savedBytes: BASE_IMAGE_SIZES['debian (full)'] - BASE_IMAGE_SIZES['debian-slim'],
      needsVerification: false,
      historyIndex: 0,
    };
  }
  return undefined;
}
