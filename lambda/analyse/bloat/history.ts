/**
 * The image config's history, parsed into build steps. Builders write
 * `created_by` differently:
 * - the legacy builder: `/bin/sh -c #(nop)  ENV …` for metadata and
 *   `/bin/sh -c apt-get …` for RUN, with `|N ARG=… /bin/sh -c …` when build
 *   arguments are set;
 * - BuildKit: `RUN /bin/sh -c … # buildkit`, `COPY src dst # buildkit`,
 *   `LABEL …` (no `#(nop)`); it drops `--mount` flags, so a cache mount
 *   cannot be seen here;
 * - kaniko: `RUN rm -rf …`, `ADD README.md /x` (no shell prefix);
 * - others (bazel, imports) write anything, or nothing.
 * Layer k is the k-th entry without `empty_layer: true`; `#(nop)` says
 * nothing about whether a step made a layer.
 */

export type StepKind =
  | 'RUN'
  | 'COPY'
  | 'ADD'
  | 'ENV'
  | 'ARG'
  | 'LABEL'
  | 'CMD'
  | 'ENTRYPOINT'
  | 'WORKDIR'
  | 'USER'
  | 'EXPOSE'
  | 'VOLUME'
  | 'HEALTHCHECK'
  | 'SHELL'
  | 'STOPSIGNAL'
  | 'ONBUILD'
  | 'MAINTAINER'
  | 'OTHER';

export interface HistoryStep {
  /** Index in `history[]`, empty entries included. */
  historyIndex: number;
  /** Index in `rootfs.diff_ids` (and the manifest's layers), when the step made a layer. */
  layerIndex?: number;
  /** `created_by` as written, or '' when missing. */
  createdBy: string;
  kind: StepKind;
  /** For RUN, the shell command; otherwise the instruction's arguments. */
  text: string;
  buildkit: boolean;
}

export interface ImageConfig {
  architecture?: string;
  os?: string;
  created?: string;
  config?: {
    Env?: string[] | null;
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    User?: string;
  };
  rootfs?: { diff_ids?: string[] };
  history?: Array<{ created_by?: string; empty_layer?: boolean; comment?: string }>;
}

const KINDS = new Set<StepKind>([
  'RUN',
  'COPY',
  'ADD',
  'ENV',
  'ARG',
  'LABEL',
  'CMD',
  'ENTRYPOINT',
  'WORKDIR',
  'USER',
  'EXPOSE',
  'VOLUME',
  'HEALTHCHECK',
  'SHELL',
  'STOPSIGNAL',
  'ONBUILD',
  'MAINTAINER',
]);

const SHELL_PREFIX =
  /^(?:\|\d+(?: [^ =]+=\S*)* )?(?:\/bin\/(?:ba)?sh -c |cmd \/S \/C |powershell -Command )/;

/** Splits one `created_by` into its instruction and text. */
export function parseCreatedBy(createdBy: string): Pick<HistoryStep, 'kind' | 'text' | 'buildkit'> {
  let text = createdBy.trim();
  const buildkit = / # buildkit$/.test(text);
  if (buildkit) text = text.replace(/ # buildkit$/, '');

  const shell = SHELL_PREFIX.exec(text);
  if (shell) {
    const rest = text.slice(shell[0].length);
    const nop = /^#\(nop\)\s+([A-Z]+)\s*(.*)$/s.exec(rest);
    if (nop) {
      const kind = KINDS.has(nop[1] as StepKind) ? (nop[1] as StepKind) : 'OTHER';
      return { kind, text: nop[2].trim(), buildkit };
    }
    return { kind: 'RUN', text: rest.trim(), buildkit };
  }
  const word = /^([A-Z]+)\s+(.*)$/s.exec(text);
  if (word && KINDS.has(word[1] as StepKind)) {
    const kind = word[1] as StepKind;
    let rest = word[2].trim();
    if (kind === 'RUN') {
      const inner = SHELL_PREFIX.exec(rest);
      if (inner) rest = rest.slice(inner[0].length).trim();
    }
    return { kind, text: rest, buildkit };
  }
  return { kind: 'OTHER', text, buildkit };
}

/** Parses a config body. Returns undefined (never throws) for a body that is not JSON. */
export function parseConfig(body: string | undefined): ImageConfig | undefined {
  if (!body) return undefined;
  try {
    const parsed = JSON.parse(body) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as ImageConfig) : undefined;
  } catch {
    return undefined;
  }
}

export function historySteps(config: ImageConfig | undefined): HistoryStep[] {
  let layerIndex = 0;
  return (config?.history ?? []).map((entry, historyIndex) => {
    const createdBy = typeof entry.created_by === 'string' ? entry.created_by : '';
    const parsed = createdBy
      ? parseCreatedBy(createdBy)
      : { kind: 'OTHER' as const, text: '', buildkit: false };
    const step: HistoryStep = { historyIndex, createdBy, ...parsed };
    if (entry.empty_layer !== true) step.layerIndex = layerIndex++;
    return step;
  });
}

/** The step that made a layer, if the history accounts for it. */
export function stepForLayer(steps: HistoryStep[], layerIndex: number): HistoryStep | undefined {
  return steps.find((step) => step.layerIndex === layerIndex);
}

/** A short form of the instruction for people: `RUN apt-get update && …`. */
export function describeStep(step: HistoryStep, maxLength = 160): string {
  const text = step.text.replace(/\s+/g, ' ').trim();
  const full = step.kind === 'OTHER' ? text || '(no created_by)' : `${step.kind} ${text}`;
  return full.length > maxLength ? `${full.slice(0, maxLength - 1)}…` : full;
}

/** Environment variables of the final image config, as a map. */
export function configEnv(config: ImageConfig | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of config?.config?.Env ?? []) {
    const equals = pair.indexOf('=');
    if (equals > 0) env[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return env;
}
