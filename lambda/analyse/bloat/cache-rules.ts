/**
 * Package-manager cache rules over the history: a cache left because its
 * cleanup is missing from the RUN that made it (or runs before the install).
 */
import { configEnv, describeStep, type HistoryStep } from './history';
import {
  estimate,
  INSTALL,
  observation,
  TYPICAL_BYTES,
  type HistoryContext,
} from './history-context';
import { CACHE_MOUNT_CAVEAT, formatBytes, type Observation } from './observation';

/** Codes of the history observations that guess at a package-manager cache left in a layer. */
export const HISTORY_CACHE_CODES: ReadonlySet<string> = new Set([
  'apt-lists-left',
  'apk-cache-left',
  'yum-cache-left',
  'pip-cache-left',
  'npm-cache-left',
  'yarn-cache-left',
]);

const UPGRADE =
  /\bapt(-get)? (-\S+ )*(dist-)?upgrade\b|\b(yum|dnf|microdnf)\s+(?:-\S+\s+)*(update|upgrade)\b|\bapk (-\S+ )*upgrade\b/;

export function aptRules(
  step: HistoryStep,
  context: HistoryContext,
  earlier: HistoryStep[],
): Observation[] {
  const text = step.text;
  const out: Observation[] = [];
  const update = /\bapt(-get)? (-\S+ )*update\b/.test(text);
  const install = /\bapt(-get)? (-\S+ )*install\b/.test(text);
  const cleansLists = /rm\s+(-\S+\s+)*[^&;|]*\/var\/lib\/apt\/lists/.test(text);
  if (update && !cleansLists) {
    const { bytes, note } = estimate(context, step, TYPICAL_BYTES.aptLists);
    out.push(
      observation(
        step,
        'apt-lists-left',
        `${describeStep(step)} runs apt-get update but never removes /var/lib/apt/lists in the same RUN; the lists (estimated ${formatBytes(bytes)}, ${note}) stay in the layer.`,
        bytes,
        {
          code: 'clean-cache',
          title: 'apt package lists are left in the image',
          historyIndex: step.historyIndex,
          savedBytes: bytes,
          basis: 'estimated',
          change:
            'End this RUN with `&& rm -rf /var/lib/apt/lists/*` (in the same RUN as apt-get update).',
          caveat: CACHE_MOUNT_CAVEAT,
        },
      ),
    );
  }
  if (install) {
    const problems: string[] = [];
    if (!update) problems.push('no apt-get update in the same RUN (a stale or missing index)');
    if (!/--no-install-recommends/.test(text)) problems.push('no --no-install-recommends');
    if (!update && !cleansLists) problems.push('no list cleanup');
    const packages = (/\binstall\b((?:\s+(?:-\S+|[a-z0-9][a-z0-9.+-]*))+)/.exec(text)?.[1] ?? '')
      .split(/\s+/)
      .filter((word) => word && !word.startsWith('-'));
    const already = packages.filter((name) =>
      earlier.some(
        (prior) =>
          prior.kind === 'RUN' &&
          INSTALL.test(prior.text) &&
          new RegExp(`(^|\\s)${name.replace(/[.+]/g, '\\$&')}(\\s|$)`).test(prior.text),
      ),
    );
    if (already.length && already.length === packages.length) {
      problems.push(
        `${already.join(', ')} already installed by an earlier step, so this step is almost a no-op`,
      );
    }
    if (problems.length) {
      out.push(
        observation(
          step,
          'apt-install-hygiene',
          `${describeStep(step)}: ${problems.join('; ')}.`,
          0,
          {
            code: 'apt-hygiene',
            title: 'apt-get install without the usual hygiene',
            historyIndex: step.historyIndex,
            savedBytes: 0,
            basis: 'estimated',
            change:
              'Write it as `RUN apt-get update && apt-get install -y --no-install-recommends <packages> && rm -rf /var/lib/apt/lists/*`, and drop packages an earlier step already installs.',
          },
        ),
      );
    }
  }
  if (UPGRADE.test(text)) {
    out.push(
      observation(
        step,
        'upgrade-in-build',
        `${describeStep(step)} upgrades packages during the build.`,
        0,
        {
          code: 'fresher-base',
          title: 'Packages are upgraded inside the build',
          historyIndex: step.historyIndex,
          savedBytes: 0,
          basis: 'estimated',
          change:
            'Prefer a fresher base image tag over upgrading in the build: the upgrade rewrites files the base layer already ships.',
        },
      ),
    );
  }
  return out;
}

export function otherCacheRules(step: HistoryStep, context: HistoryContext): Observation[] {
  const text = step.text;
  const env = configEnv(context.config);
  const out: Observation[] = [];
  const cache = (code: string, what: string, typical: number, change: string) => {
    const { bytes, note } = estimate(context, step, typical);
    out.push(
      observation(
        step,
        code,
        `${describeStep(step)} leaves the ${what} in the layer (estimated ${formatBytes(bytes)}, ${note}).`,
        bytes,
        {
          code: 'clean-cache',
          title: `The ${what} is left in the image`,
          historyIndex: step.historyIndex,
          savedBytes: bytes,
          basis: 'estimated',
          change,
          caveat: CACHE_MOUNT_CAVEAT,
        },
      ),
    );
  };

  if (
    /\bapk (-\S+ )*(add|update)\b/.test(text) &&
    !/--no-cache/.test(text) &&
    !/\/var\/cache\/apk/.test(text)
  ) {
    cache(
      'apk-cache-left',
      'apk cache',
      TYPICAL_BYTES.apkCache,
      'Use `apk add --no-cache …` (and drop a separate `apk update`).',
    );
  }

  const yum = /\b(yum|dnf|microdnf)\s+(?:-\S+\s+)*install\b/g;
  let lastInstall = -1;
  for (let match = yum.exec(text); match; match = yum.exec(text)) lastInstall = match.index;
  if (lastInstall >= 0) {
    const cleanPattern =
      /\b(yum|dnf|microdnf) (-\S+ )*clean all\b|rm\s+(-\S+\s+)*[^&;|]*\/var\/cache\/(yum|dnf)/g;
    let lastClean = -1;
    for (let match = cleanPattern.exec(text); match; match = cleanPattern.exec(text))
      lastClean = match.index;
    if (lastClean < lastInstall) {
      const before = lastClean >= 0;
      cache(
        'yum-cache-left',
        before ? 'yum/dnf cache (cleaned before the install, not after)' : 'yum/dnf cache',
        TYPICAL_BYTES.yumCache,
        before
          ? 'Move `yum clean all && rm -rf /var/cache/yum` to the end of the RUN: cleaning before installing removes nothing the install writes.'
          : 'End the RUN with `&& yum clean all && rm -rf /var/cache/yum` (dnf: `dnf clean all`).',
      );
    }
  }

  const pip =
    /\bpip3?\s+(?:-\S+\s+)*install\b/.test(text) || /\bpython3? -m pip install\b/.test(text);
  if (
    pip &&
    !/--no-cache-dir/.test(text) &&
    !env.PIP_NO_CACHE_DIR &&
    !/rm\s+(-\S+\s+)*[^&;|]*\.cache/.test(text)
  ) {
    cache(
      'pip-cache-left',
      'pip cache',
      TYPICAL_BYTES.pipCache,
      'Use `pip install --no-cache-dir …`, or RUN --mount=type=cache,target=/root/.cache/pip.',
    );
  }
  if (
    /\bnpm (ci|install|i)\b/.test(text) &&
    !/npm cache clean/.test(text) &&
    !/\.npm\b/.test(text)
  ) {
    cache(
      'npm-cache-left',
      'npm cache',
      TYPICAL_BYTES.nodeCache,
      'Add `&& npm cache clean --force` to the same RUN, or RUN --mount=type=cache,target=/root/.npm.',
    );
  }
  if (
    /(^|&&|;|\|\|)\s*yarn(\s+install\b[^&;|]*)?\s*($|&&|;)/.test(text) &&
    !/yarn cache clean/.test(text)
  ) {
    cache(
      'yarn-cache-left',
      'yarn cache',
      TYPICAL_BYTES.nodeCache,
      'Add `&& yarn cache clean` to the same RUN, or RUN --mount=type=cache,target=/usr/local/share/.cache/yarn.',
    );
  }
  return out;
}
