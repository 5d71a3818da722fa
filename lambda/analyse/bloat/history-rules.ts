/**
 * Findings read from the image history alone. Their byte figures are
 * estimates (from layer sizes in the manifest when known, else documented
 * typical sizes); measured findings replace them when layer contents exist.
 */
import { aptRules, otherCacheRules } from './cache-rules';
import { isSecretPath } from './contents';
import { configEnv, describeStep, type HistoryStep } from './history';
import {
  estimate,
  INSTALL,
  layerBytes,
  MB,
  observation,
  TYPICAL_BYTES,
  type HistoryContext,
} from './history-context';
import { formatBytes, type Observation } from './observation';

export { TYPICAL_BYTES, type HistoryContext };

const TOOLCHAIN_PACKAGES =
  /(^|\s|')(gcc|g\+\+|gcc-c\+\+|make|build-essential|build-base|clang|cmake|autoconf|automake)(?:[-=]\d[\w.~+-]*)?(?=\s|'|$|\\)/;

const PURGE =
  /\b(apt-get|apt)\s+(?:-\S+\s+)*(purge|remove|autoremove)\b|\bapk del\b|\b(yum|dnf|microdnf)\s+(?:-\S+\s+)*(remove|erase|autoremove)\b/;

const DEPENDENCY_INSTALL =
  /\b(npm (ci|install|i)\b|yarn( install)?(\s|$)|pnpm install|pip3? install -r|pip3? install .*requirements|bundle install|composer install|go mod download|go (build|install)\b|poetry install)/;
const DEPENDENCY_MANIFESTS =
  /package(-lock)?\.json|package\*\.json|yarn\.lock|pnpm-lock|requirements[^ ]*\.txt|Gemfile|composer\.(json|lock)|go\.(mod|sum)|poetry\.lock|pyproject\.toml|Cargo\.(toml|lock)|pom\.xml/;

function toolchainRule(
  step: HistoryStep,
  context: HistoryContext,
  later: HistoryStep[],
): Observation | undefined {
  const text = step.text;
  if (!INSTALL.test(text) || !TOOLCHAIN_PACKAGES.test(text)) return undefined;
  if (PURGE.test(text) || later.some((next) => next.kind === 'RUN' && PURGE.test(next.text)))
    return undefined;
  const tools = [
    ...new Set([...text.matchAll(new RegExp(TOOLCHAIN_PACKAGES.source, 'g'))].map((m) => m[2])),
  ];
  const { bytes, note } = estimate(context, step, TYPICAL_BYTES.toolchain);
  const cmd = context.config?.config?.Cmd ?? [];
  const shellOnly =
    !context.config?.config?.Entrypoint?.length &&
    cmd.length === 1 &&
    /^(\/bin\/)?(ba)?sh$/.test(cmd[0]) &&
    !later.some((next) => next.kind === 'COPY' || next.kind === 'ADD');
  return observation(
    step,
    'toolchain-in-image',
    `${describeStep(step)} installs ${tools.join(', ')} and no later step removes them: the build tool chain ships in the final image (estimated ${formatBytes(bytes)}, ${note}).`,
    bytes,
    {
      code: 'multi-stage',
      title: 'Build tools ship in the final image (single-stage build)',
      historyIndex: step.historyIndex,
      savedBytes: bytes,
      basis: 'estimated',
      change:
        'Compile in a builder stage (`FROM … AS build`) and `COPY --from=build` only the artefacts into a slim final stage.',
      caveat: shellOnly
        ? 'Low confidence: this image looks like a compiler or tool image (its command is a shell and it adds no application), where the tool chain is the point.'
        : 'Only if this image runs an application: an image meant for building needs its tool chain.',
    },
  );
}

/** Absolute paths an `rm` removes, from a shell command. */
function removedPaths(text: string): string[] {
  const paths: string[] = [];
  for (const match of text.matchAll(/\brm\s+((?:-\S+\s+)*)([^&;|]+)/g)) {
    for (const word of match[2].trim().split(/\s+/)) {
      if (word.startsWith('/') && word.length > 1) paths.push(word.replace(/\/\*?$/, '') || word);
    }
  }
  return paths;
}

const CACHE_PATH = /^\/(var\/lib\/apt\/lists|var\/cache|root\/\.cache|tmp|var\/tmp)(\/|$)/;

function copyDestination(
  step: HistoryStep,
): { sources: string[]; destination: string } | undefined {
  const legacy = /^(?:file|dir|multi):\S+ in (\S+)/.exec(step.text);
  if (legacy) return { sources: [], destination: legacy[1] };
  const words = step.text.replace(/--\S+/g, '').trim().split(/\s+/);
  if (words.length < 2) return undefined;
  return { sources: words.slice(0, -1), destination: words[words.length - 1] };
}

const CREATING_VERB = />|\b(mkdir|cp|mv|touch|tee|ln|git clone|wget|curl|tar|unzip|install)\b/;

/**
 * The step that first put `path` (or something under it) into the image:
 * a COPY or ADD whose destination is the path, else the earliest RUN that
 * names it in a command that creates files.
 */
function createdBy(earlier: HistoryStep[], path: string): HistoryStep | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  for (let i = earlier.length - 1; i >= 0; i--) {
    const step = earlier[i];
    if (step.layerIndex === undefined || (step.kind !== 'COPY' && step.kind !== 'ADD')) continue;
    const copy = copyDestination(step);
    if (!copy) continue;
    const destination = copy.destination.replace(/\/$/, '') || '/';
    if (destination === path) return step;
    const named = copy.sources.some(
      (source) => source.replace(/\/$/, '').split('/').pop() === base,
    );
    if (named && `${destination === '/' ? '' : destination}/${base}` === path) return step;
  }
  return earlier.find(
    (step) =>
      step.layerIndex !== undefined &&
      step.kind === 'RUN' &&
      step.text
        .split(/&&|;|\|\|/)
        .some((command) => CREATING_VERB.test(command) && command.includes(path)),
  );
}

function deletedLaterRules(
  step: HistoryStep,
  context: HistoryContext,
  earlier: HistoryStep[],
): Observation[] {
  if (step.kind !== 'RUN' || step.layerIndex === undefined) return [];
  const out: Observation[] = [];
  const seen = new Set<number>();
  for (const path of removedPaths(step.text)) {
    if (CACHE_PATH.test(path)) continue;
    const maker = createdBy(earlier, path);
    if (!maker || seen.has(maker.historyIndex) || maker.text.includes(`rm -rf ${path}`)) continue;
    seen.add(maker.historyIndex);
    const copied = maker.kind === 'COPY' || maker.kind === 'ADD';
    const stored = layerBytes(context, maker);
    const bytes = copied && stored !== undefined ? stored : 0;
    out.push(
      observation(
        maker,
        'deleted-later',
        `${path} is created by ${describeStep(maker)} and deleted by a later step, ${describeStep(step)}; its bytes stay in the earlier layer${
          bytes ? ` (up to ${formatBytes(bytes)}, that layer's stored size)` : ''
        }.`,
        bytes,
        {
          code: 'delete-in-same-layer',
          title: 'Files are deleted in a later layer, so they are still shipped',
          historyIndex: maker.historyIndex,
          savedBytes: bytes,
          basis: 'estimated',
          change: copied
            ? `Do not ${maker.kind} ${path} only to delete it: copy only what is needed, or use \`RUN --mount=type=bind,source=…,target=…\` (or \`--mount=type=bind,from=<stage>\`) so it never lands in a layer.`
            : `Delete ${path} in the same RUN that creates it (chain with &&), or build it in a separate stage.`,
        },
        { path: path.slice(1) },
      ),
    );
  }
  return out;
}

function copyOrderRule(steps: HistoryStep[], context: HistoryContext): Observation | undefined {
  const wholeContext = steps.findIndex(
    (step) =>
      (step.kind === 'COPY' || step.kind === 'ADD') &&
      // `COPY . .` as BuildKit and kaniko record it, or a directory copy as the
      // legacy builder records it (`COPY dir:<content hash> in /app`), which
      // hides the source but is what `COPY . .` becomes there.
      (/^\.\/?\s+\S+$/.test(step.text.replace(/--\S+\s+/g, '')) ||
        /^dir:[0-9a-f]+ in \S+$/.test(step.text.trim())),
  );
  if (wholeContext < 0) return undefined;
  const install = steps
    .slice(wholeContext + 1)
    .find((step) => step.kind === 'RUN' && DEPENDENCY_INSTALL.test(step.text));
  if (!install) return undefined;
  const manifestFirst = steps
    .slice(0, wholeContext)
    .some(
      (step) =>
        (step.kind === 'COPY' || step.kind === 'ADD') && DEPENDENCY_MANIFESTS.test(step.text),
    );
  if (manifestFirst) return undefined;
  const copy = steps[wholeContext];
  const stored = layerBytes(context, install) ?? 0;
  return observation(
    copy,
    'copy-before-install',
    `${describeStep(copy)} comes before ${describeStep(install)}: any source change re-runs the dependency install and pushes a new copy of its layer${stored ? ` (${formatBytes(stored)} per release)` : ''}.`,
    0,
    {
      code: 'copy-order',
      title: 'The whole source is copied before the dependency install',
      historyIndex: copy.historyIndex,
      savedBytes: stored,
      storedBytes: true,
      basis: 'estimated',
      change:
        'Copy the dependency manifests first (e.g. `COPY package.json yarn.lock ./`), run the install, then `COPY . .`; the dependency layer then stays cached and is not pushed again.',
    },
    { countsAsBloat: false },
  );
}

function manySmallLayersRule(
  steps: HistoryStep[],
  context: HistoryContext,
): Observation | undefined {
  const own = steps.filter(
    (step) =>
      step.layerIndex !== undefined &&
      step.layerIndex > 0 &&
      step.kind === 'RUN' &&
      (context.layerSizes[step.layerIndex] ?? 0) < MB,
  );
  // Without layer sizes every RUN counts as small, so ask for more of them.
  const sizesKnown = context.layerSizes.some((size) => size !== undefined);
  if (own.length < (sizesKnown ? 8 : 10)) return undefined;
  return observation(
    own[0],
    'many-small-layers',
    `${own.length} small RUN layers (history ${own[0].historyIndex}–${own[own.length - 1].historyIndex}); each layer costs a round trip on pull and a separate cache entry.`,
    0,
    {
      code: 'combine-run',
      title: 'Many small RUN layers',
      historyIndex: own[0].historyIndex,
      savedBytes: 0,
      basis: 'estimated',
      change:
        'Merge consecutive RUN steps into one (`RUN a && b && c`), especially where a later step changes or deletes what an earlier one wrote.',
    },
    { countsAsBloat: false },
  );
}

function secretRules(steps: HistoryStep[], context: HistoryContext): Observation[] {
  const out: Observation[] = [];
  for (const step of steps) {
    if (step.kind !== 'COPY' && step.kind !== 'ADD') continue;
    const copy = copyDestination(step);
    if (!copy) continue;
    const targets = [copy.destination, ...copy.sources];
    const secret = targets.find((target) => isSecretPath(target.replace(/^\/+/, '')));
    if (secret) {
      out.push(
        observation(
          step,
          'secret-file',
          `${describeStep(step)} puts ${secret} in the image; it looks like a secret (credentials, key or .env) and anyone who can pull the image can read it.`,
          0,
          {
            code: 'dockerignore',
            title: 'A secret-looking file is copied into the image',
            historyIndex: step.historyIndex,
            savedBytes: 0,
            basis: 'estimated',
            change:
              'Do not copy credentials into the image: pass them at run time, or use `RUN --mount=type=secret` during the build; add the file to .dockerignore and rotate it.',
          },
          { countsAsBloat: false, security: true, path: secret.replace(/^\/+/, '') },
        ),
      );
    }
    if (
      step.kind === 'ADD' &&
      /^file:\S+ in \//.test(step.text) &&
      step.layerIndex !== 0 &&
      !/ in \/$/.test(step.text)
    ) {
      out.push(
        observation(
          step,
          'add-instead-of-copy',
          `${describeStep(step)} uses ADD for a local file, where COPY says what it does.`,
          0,
          {
            code: 'copy-not-add',
            title: 'ADD used where COPY would do',
            historyIndex: step.historyIndex,
            savedBytes: 0,
            basis: 'estimated',
            change: 'Use COPY for local files; keep ADD for archives that should be unpacked.',
          },
          { countsAsBloat: false },
        ),
      );
    }
  }
  const env = configEnv(context.config);
  const secretKeys = Object.keys(env).filter(
    (key) =>
      /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|_PASS)$/i.test(key) &&
      !['', 'null', 'false', 'none'].includes(env[key].toLowerCase()),
  );
  if (secretKeys.length) {
    const last = steps.filter((step) => step.kind === 'ENV').pop() ?? steps[steps.length - 1];
    if (last) {
      out.push(
        observation(
          last,
          'secret-in-env',
          `The image config sets ${secretKeys.join(', ')} (values not shown): anyone who can pull the image can read them.`,
          0,
          undefined,
          { countsAsBloat: false, security: true },
        ),
      );
    }
  }
  return out;
}

/** Findings from the history of one image. */
export function historyObservations(context: HistoryContext): Observation[] {
  const { steps } = context;
  const out: Observation[] = [];
  steps.forEach((step, i) => {
    if (step.kind !== 'RUN') return;
    const earlier = steps.slice(0, i);
    const later = steps.slice(i + 1);
    if (step.layerIndex !== undefined) {
      out.push(...aptRules(step, context, earlier));
      out.push(...otherCacheRules(step, context));
      const toolchain = toolchainRule(step, context, later);
      if (toolchain) out.push(toolchain);
    }
    out.push(...deletedLaterRules(step, context, earlier));
  });
  const order = copyOrderRule(steps, context);
  if (order) out.push(order);
  const small = manySmallLayersRule(steps, context);
  if (small) out.push(small);
  out.push(...secretRules(steps, context));
  return out;
}
