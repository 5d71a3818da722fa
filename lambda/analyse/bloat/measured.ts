/**
 * Findings measured from layer contents: bytes hidden or duplicated by later
 * layers, and what the final file system carries that a better build would
 * not ship.
 */
import { classifyPath, CACHE_CATEGORIES, type ContentCategory } from './contents';
import { describeStep, stepForLayer, type HistoryStep } from './history';
import { formatBytes, type Observation } from './observation';
import type { HiddenFile, StackResult } from './stack';

const CACHE_FIX: Partial<Record<ContentCategory, string>> = {
  'apt-lists': 'End the RUN that runs apt-get update with `&& rm -rf /var/lib/apt/lists/*`.',
  'apt-archives':
    'End the RUN that installs with `&& apt-get clean` (or use RUN --mount=type=cache,target=/var/cache/apt).',
  'apk-cache': 'Use `apk add --no-cache …`.',
  'yum-cache':
    'End the RUN that installs with `&& yum clean all && rm -rf /var/cache/yum` (after the install, not before).',
  'npm-cache':
    'Use `npm ci --omit=dev && npm cache clean --force` in the same RUN, or RUN --mount=type=cache,target=/root/.npm.',
  'yarn-cache':
    'Add `&& yarn cache clean` to the same RUN, or RUN --mount=type=cache,target=/usr/local/share/.cache/yarn.',
  'pip-cache':
    'Use `pip install --no-cache-dir …`, or RUN --mount=type=cache,target=/root/.cache/pip.',
  'go-build-cache':
    'Build in a builder stage with RUN --mount=type=cache,target=/root/.cache/go-build and copy only the binary.',
  'go-module-cache':
    'Download modules in a builder stage (RUN --mount=type=cache,target=/go/pkg/mod) and copy only the binary.',
};

const LABELS: Record<ContentCategory, string> = {
  'apt-lists': 'apt package lists',
  'apt-archives': 'apt package archives',
  'apk-cache': 'apk cache',
  'yum-cache': 'yum/dnf cache',
  'npm-cache': 'npm cache',
  'yarn-cache': 'yarn cache',
  'pip-cache': 'pip cache',
  'go-build-cache': 'Go build cache',
  'go-module-cache': 'Go module cache',
  'vcs-folder': 'version-control folders',
  docs: 'documentation (man pages, /usr/share/doc)',
  tests: 'test trees',
  toolchain: 'build tool chain (compilers, headers, SDKs)',
  'secret-file': 'secret-looking files',
};

function instruction(
  steps: HistoryStep[],
  layerIndex: number,
): { historyIndex?: number; text: string } {
  const step = stepForLayer(steps, layerIndex);
  return step
    ? { historyIndex: step.historyIndex, text: describeStep(step) }
    : { text: `layer ${layerIndex}` };
}

function sum(files: Array<{ sizeBytes: number }>): number {
  return files.reduce((total, file) => total + file.sizeBytes, 0);
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function largestLayer(files: Array<{ layerIndex: number; sizeBytes: number }>): number {
  const byLayer = new Map<number, number>();
  for (const file of files)
    byLayer.set(file.layerIndex, (byLayer.get(file.layerIndex) ?? 0) + file.sizeBytes);
  return [...byLayer.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
}

function hiddenObservation(files: HiddenFile[], steps: HistoryStep[]): Observation {
  const hiddenBy = files[0].hiddenByLayer;
  const reason = files[0].reason;
  const bytes = sum(files);
  const source = largestLayer(files);
  const hider = instruction(steps, hiddenBy);
  const maker = instruction(steps, source);
  const makerStep = stepForLayer(steps, source);
  const categories = new Set(
    files.map((file) => classifyPath(file.path)).filter((c) => c && CACHE_CATEGORIES.has(c)),
  );
  const example = files.slice().sort((a, b) => b.sizeBytes - a.sizeBytes)[0].path;

  if (reason === 'duplicate') {
    const ownership = /\b(chown|chmod|chgrp|touch|setfacl)\b/.test(hider.text);
    return {
      finding: {
        code: 'duplicate-file',
        message: `${files.length} file(s), ${formatBytes(bytes)}, shipped again unchanged by ${hider.text}; the earlier copy (e.g. /${example}) is dead weight.`,
        sizeBytes: bytes,
        basis: 'measured',
        path: example,
        layerIndex: source,
        historyIndex: hider.historyIndex,
      },
      tip: ownership
        ? {
            code: 'copy-chown',
            title: 'Set ownership and modes when the files are created, not in a later layer',
            historyIndex: hider.historyIndex,
            savedBytes: bytes,
            basis: 'measured',
            change: `Use \`COPY --chown=<user>:<group> --chmod=<mode> …\`, or run the chown/chmod in the same RUN that creates the files (${maker.text}), and drop the separate step.`,
          }
        : {
            code: 'combine-run',
            title: 'Write each file once: a later step re-ships files an earlier one made',
            historyIndex: hider.historyIndex,
            savedBytes: bytes,
            basis: 'measured',
            change: `Merge ${hider.text} into the step that first writes the files (${maker.text}).`,
          },
      layerIndex: source,
      countsAsBloat: true,
    };
  }

  const deleted = reason === 'deleted' || reason === 'opaque';
  const cacheLabel = [...categories].map((c) => LABELS[c!]).join(', ');
  const copied = makerStep && (makerStep.kind === 'COPY' || makerStep.kind === 'ADD');
  const change = categories.size
    ? `Clean the ${cacheLabel} in the same RUN that creates them (${maker.text}); a later RUN cannot shrink an earlier layer. ${CACHE_FIX[[...categories][0]!] ?? ''}`.trim()
    : deleted && copied
      ? `Do not ${makerStep!.kind} what a later step deletes: copy only what is needed, or use \`RUN --mount=type=bind,source=…,target=…\` (or a multi-stage build) so it never lands in a layer.`
      : deleted
        ? `Delete the files in the same RUN that creates them (chain with &&), or build them in a separate stage; ${hider.text} only hides them.`
        : `Write the final version once: merge ${hider.text} into the step that wrote the earlier version (${maker.text}).`;
  return {
    finding: {
      code: categories.size
        ? 'cache-cleaned-later'
        : deleted
          ? 'deleted-later'
          : 'overwritten-file',
      message: `${formatBytes(bytes)} in ${files.length} file(s) (e.g. /${example}) shipped by ${maker.text} and ${
        deleted ? 'deleted' : 'overwritten'
      } by ${hider.text}: still stored and pulled, never visible.`,
      sizeBytes: bytes,
      basis: 'measured',
      path: example,
      layerIndex: source,
      historyIndex: maker.historyIndex,
    },
    tip: {
      code: categories.size
        ? 'clean-cache-same-run'
        : deleted
          ? 'delete-in-same-layer'
          : 'combine-run',
      title: categories.size
        ? `The ${cacheLabel} are removed in a later layer, so they are still shipped`
        : deleted
          ? 'Files are deleted in a later layer, so they are still shipped'
          : 'Files are overwritten by a later layer, so both versions are shipped',
      historyIndex: maker.historyIndex,
      savedBytes: bytes,
      basis: 'measured',
      change,
    },
    layerIndex: source,
    countsAsBloat: true,
  };
}

const CONTENT_TIPS: Partial<
  Record<ContentCategory, { code: string; title: string; change: string }>
> = {
  'vcs-folder': {
    code: 'dockerignore',
    title: 'Version-control folders are in the image',
    change:
      'Add `.git` (and `.svn`, `.hg`) to .dockerignore, or copy only the build output into the final stage.',
  },
  tests: {
    code: 'dockerignore',
    title: 'Test trees are in the image',
    change:
      'Exclude tests in .dockerignore, install production dependencies only (`npm ci --omit=dev`), or copy only what runs into the final stage.',
  },
  docs: {
    code: 'no-docs',
    title: 'Documentation and man pages are in the image',
    change:
      'Use a slim base, install with `--no-install-recommends`, and exclude /usr/share/doc and /usr/share/man with a dpkg `path-exclude` file (as the slim images do).',
  },
  toolchain: {
    code: 'multi-stage',
    title: 'A build tool chain ships in the final image',
    change:
      'Build in a builder stage (`FROM … AS build`) and `COPY --from=build` only the artefacts into a slim or distroless final stage.',
  },
};

/** Bytes below which identical copies are listed but not worth a tip. */
const COPY_TIP_MIN_BYTES = 10_000;

/**
 * The same content at several visible paths (`cp a b` rather than a link).
 * Listed, with a tip when it adds up, but not counted as bloat: some copies
 * are wanted (a file that must exist under two names).
 */
function identicalCopies(
  visible: StackResult['visible'],
  steps: HistoryStep[],
): Observation | undefined {
  const byHash = groupBy(
    visible.filter((file) => file.type === 'file' && file.contentHash && file.sizeBytes > 0),
    (file) => file.contentHash!,
  );
  const extras: Array<{ path: string; original: string; sizeBytes: number; layerIndex: number }> =
    [];
  for (const copies of byHash.values()) {
    if (copies.length < 2) continue;
    const [original, ...rest] = copies
      .slice()
      .sort((a, b) => a.layerIndex - b.layerIndex || a.path.localeCompare(b.path));
    for (const copy of rest) {
      extras.push({
        path: copy.path,
        original: original.path,
        sizeBytes: copy.sizeBytes,
        layerIndex: copy.layerIndex,
      });
    }
  }
  if (!extras.length) return undefined;
  const bytes = sum(extras);
  const largest = extras.slice().sort((a, b) => b.sizeBytes - a.sizeBytes)[0];
  const source = largestLayer(extras);
  const maker = instruction(steps, source);
  return {
    finding: {
      code: 'identical-copies',
      message: `${extras.length} file(s) repeat content found at another path, ${formatBytes(bytes)} of extra copies (e.g. /${largest.path} = /${largest.original}), mostly from ${maker.text}.`,
      sizeBytes: bytes,
      basis: 'measured',
      path: largest.path,
      layerIndex: source,
      historyIndex: maker.historyIndex,
    },
    tip:
      bytes >= COPY_TIP_MIN_BYTES
        ? {
            code: 'dedupe-copies',
            title: 'The same files are copied to several paths',
            historyIndex: maker.historyIndex,
            savedBytes: bytes,
            basis: 'measured',
            change:
              'Copy each file once and point the other paths at it with a symlink (`ln -s`), or copy it straight to where it is used.',
            caveat: 'Check that nothing writes to one copy expecting the other to stay unchanged.',
          }
        : undefined,
    layerIndex: source,
    countsAsBloat: false,
  };
}

/** Findings from the stacked layers of one image. */
export function measuredObservations(stacked: StackResult, steps: HistoryStep[]): Observation[] {
  const observations: Observation[] = [];

  // One observation per hiding layer and kind, with caches apart so their tip names only them.
  const groups = groupBy(stacked.hidden, (file) => {
    const kind =
      file.reason === 'duplicate'
        ? 'dup'
        : file.reason === 'overwritten' || file.reason === 'replaced'
          ? 'over'
          : 'del';
    const category = classifyPath(file.path);
    const cache = category && CACHE_CATEGORIES.has(category) ? category : '';
    return `${file.hiddenByLayer}:${kind}:${kind === 'del' ? cache : ''}`;
  });
  for (const files of groups.values()) {
    if (sum(files) > 0) observations.push(hiddenObservation(files, steps));
  }

  const copies = identicalCopies(stacked.visible, steps);
  if (copies) observations.push(copies);

  const visibleFiles = stacked.visible.filter(
    (file) => file.type === 'file' || file.type === 'other',
  );
  const byCategory = groupBy(
    visibleFiles
      .map((file) => ({ ...file, category: classifyPath(file.path) }))
      .filter((file) => file.category),
    (file) => file.category!,
  );
  for (const [category, files] of byCategory as Map<
    ContentCategory,
    Array<(typeof visibleFiles)[number]>
  >) {
    const bytes = sum(files);
    const source = largestLayer(files);
    const maker = instruction(steps, source);
    const example = files.slice().sort((a, b) => b.sizeBytes - a.sizeBytes)[0].path;
    if (category === 'secret-file') {
      for (const file of files) {
        observations.push({
          finding: {
            code: 'secret-file',
            message: `/${file.path} looks like a secret (key, credentials or .env file) and is readable by anyone who can pull the image. Remove it, rotate what it holds, and add it to .dockerignore.`,
            sizeBytes: file.sizeBytes,
            basis: 'measured',
            path: file.path,
            layerIndex: file.layerIndex,
            historyIndex: instruction(steps, file.layerIndex).historyIndex,
            security: true,
          },
          tip: {
            code: 'dockerignore',
            title: 'A secret-looking file is in the image',
            historyIndex: instruction(steps, file.layerIndex).historyIndex,
            savedBytes: file.sizeBytes,
            basis: 'measured',
            change: `Add ${file.path.split('/').pop()} to .dockerignore (or pass it at run time as a secret, or with RUN --mount=type=secret during the build).`,
          },
          layerIndex: file.layerIndex,
          countsAsBloat: false,
        });
      }
      continue;
    }
    if (bytes === 0) continue;
    const cache = CACHE_CATEGORIES.has(category);
    const advice = CONTENT_TIPS[category];
    observations.push({
      finding: {
        code: category.startsWith('apt-') ? 'apt-cache' : category,
        message: `${formatBytes(bytes)} of ${LABELS[category]} in the final image (${files.length} files, e.g. /${example}), mostly from ${maker.text}.`,
        sizeBytes: bytes,
        basis: 'measured',
        path: example,
        layerIndex: source,
        historyIndex: maker.historyIndex,
      },
      tip: cache
        ? {
            code: 'clean-cache',
            title: `The ${LABELS[category]} ship in the image`,
            historyIndex: maker.historyIndex,
            savedBytes: bytes,
            basis: 'measured',
            change: CACHE_FIX[category] ?? 'Clean the cache in the same RUN that fills it.',
          }
        : advice && {
            ...advice,
            historyIndex: maker.historyIndex,
            savedBytes: bytes,
            basis: 'measured',
            ...(category === 'toolchain'
              ? {
                  caveat:
                    'Only if this image runs an application: an image meant for building (a CI or compiler image) needs its tool chain.',
                }
              : {}),
          },
      layerIndex: source,
      countsAsBloat: true,
    });
  }
  return observations;
}
