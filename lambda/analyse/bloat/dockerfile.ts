/**
 * The same rules over a Dockerfile, before anything is built. Only the
 * stages that reach the final image count for size (a builder stage's
 * separate RUNs never ship), `RUN --mount=type=cache` silences cache rules
 * (the Dockerfile is the one place where cache mounts can be seen), and the
 * copy-order rule applies to every stage, since it is about build caching.
 */
import type { Finding } from '../../model/bloat';
import type { Tip } from '../../model/digest';
import { monthlyCostUsd } from '../accounting';
import { BASE_IMAGE_SIZES } from './base-image';
import { HISTORY_CACHE_CODES } from './cache-rules';
import { describeStep, type HistoryStep, type StepKind } from './history';
import { historyObservations } from './history-rules';
import { DEFAULT_COMPRESSION_RATIO } from './analyse-image';
import { VERIFY_CAVEAT, formatBytes, type Observation } from './observation';

interface Instruction {
  line: number;
  keyword: string;
  /** Arguments without BuildKit flags. */
  text: string;
  flags: string[];
}

interface Stage {
  name?: string;
  from: string;
  line: number;
  instructions: Instruction[];
}

/** Splits a Dockerfile into instructions: continuations joined, comments and heredoc bodies skipped. */
export function parseDockerfile(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  const instructions: Instruction[] = [];
  let i = 0;
  while (i < lines.length) {
    const start = i;
    let line = lines[i].trim();
    i++;
    if (!line || line.startsWith('#')) continue;
    while (line.endsWith('\\') && i < lines.length) {
      const next = lines[i++].trim();
      // A comment inside a continuation is dropped; the continuation goes on.
      if (next.startsWith('#')) continue;
      line = `${line.slice(0, -1).trimEnd()} ${next}`;
    }
    const heredoc = /<<-?\s*["']?(\w+)["']?/.exec(line);
    if (heredoc) {
      const body: string[] = [];
      while (i < lines.length && lines[i].trim() !== heredoc[1]) body.push(lines[i++]);
      i++;
      line = `${line} ${body.join(' ; ')}`;
    }
    const match = /^([A-Za-z]+)\s*(.*)$/.exec(line);
    if (!match) continue;
    const flags: string[] = [];
    let rest = match[2].trim();
    for (let flag = /^--\S+\s*/.exec(rest); flag; flag = /^--\S+\s*/.exec(rest)) {
      flags.push(flag[0].trim());
      rest = rest.slice(flag[0].length);
    }
    if (/^\[.*\]$/.test(rest)) {
      try {
        rest = (JSON.parse(rest) as string[]).join(' ');
      } catch {
        // Not valid JSON: keep the text as written.
      }
    }
    instructions.push({ line: start + 1, keyword: match[1].toUpperCase(), text: rest, flags });
  }
  return instructions;
}

function stagesOf(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [from, as, name] = instruction.text.split(/\s+/);
      stages.push({
        from,
        name: as?.toLowerCase() === 'as' ? name?.toLowerCase() : undefined,
        line: instruction.line,
        instructions: [],
      });
    } else {
      stages[stages.length - 1]?.instructions.push(instruction);
    }
  }
  return stages;
}

/** The final stage and the stages it is built FROM, root first. */
function finalChain(stages: Stage[]): Stage[] {
  const chain: Stage[] = [];
  let stage: Stage | undefined = stages[stages.length - 1];
  while (stage && !chain.includes(stage)) {
    chain.unshift(stage);
    const parent = stages.find((s) => s.name && s.name === stage!.from.toLowerCase());
    stage = parent;
  }
  return chain;
}

const LAYER_KINDS = new Set(['RUN', 'COPY', 'ADD']);

function stepsOf(instructions: Instruction[]): HistoryStep[] {
  let layerIndex = 0;
  return instructions.map((instruction, historyIndex) => {
    const kind = instruction.keyword as StepKind;
    const step: HistoryStep = {
      historyIndex,
      createdBy: `${instruction.keyword} ${instruction.text}`,
      kind,
      text: instruction.text,
      buildkit: true,
    };
    if (LAYER_KINDS.has(instruction.keyword)) step.layerIndex = layerIndex++;
    return step;
  });
}

const LANGUAGES = ['node', 'python', 'ruby'];

function heavyBase(from: string): { to: string; savedBytes: number } | undefined {
  const [name, tag = 'latest'] = from.split('@')[0].split(':');
  const short = name.split('/').pop()!;
  if (/slim|alpine|distroless|minimal|micro/.test(tag) || name.includes('distroless'))
    return undefined;
  const major = /^\d+/.exec(tag)?.[0];
  if (LANGUAGES.includes(short) && (name === short || name.startsWith('library/'))) {
    const prefix = major ? `${major}-` : '';
    return {
      to: `${short}:${prefix}slim or ${short}:${prefix}alpine`,
      savedBytes: BASE_IMAGE_SIZES[`${short} (full)`] - BASE_IMAGE_SIZES[`${short}-slim`],
    };
  }
  if (short === 'golang' && !tag.includes('alpine')) {
    return {
      to: 'gcr.io/distroless/static (or scratch) as the final stage, building in a golang stage',
      savedBytes: BASE_IMAGE_SIZES['golang (full)'] - BASE_IMAGE_SIZES['distroless/static'],
    };
  }
  if (short === 'buildpack-deps') {
    return {
      to: 'debian:<release>-slim',
      savedBytes: BASE_IMAGE_SIZES['buildpack-deps (full)'] - BASE_IMAGE_SIZES['debian-slim'],
    };
  }
  return undefined;
}

export interface DockerfileFinding extends Finding {
  line: number;
}

export interface DockerfileTip extends Tip {
  line: number;
}

export interface DockerfileAnalysis {
  /** The stage names or images of the stages that reach the final image, root first. */
  finalStages: string[];
  findings: DockerfileFinding[];
  tips: DockerfileTip[];
}

/** Findings and tips for a Dockerfile; every figure is `estimated`. */
export function analyseDockerfile(
  text: string,
  options: { name: string; pricePerGbMonthUsd: number },
): DockerfileAnalysis {
  const stages = stagesOf(parseDockerfile(text));
  const chain = finalChain(stages);
  const results: Array<{ observation: Observation; instruction: Instruction; step: HistoryStep }> =
    [];

  const finalInstructions = chain.flatMap((stage) => stage.instructions);
  const finalSteps = stepsOf(finalInstructions);
  const cacheMounted = new Set(
    finalInstructions
      .map((instruction, index) =>
        instruction.flags.some((f) => /^--mount=.*type=cache/.test(f)) ? index : -1,
      )
      .filter((index) => index >= 0),
  );
  for (const observation of historyObservations({ steps: finalSteps, layerSizes: [] })) {
    const index = observation.finding.historyIndex!;
    if (observation.finding.code === 'copy-before-install') continue;
    if (HISTORY_CACHE_CODES.has(observation.finding.code) && cacheMounted.has(index)) continue;
    results.push({ observation, instruction: finalInstructions[index], step: finalSteps[index] });
  }
  for (const stage of stages) {
    const steps = stepsOf(stage.instructions);
    for (const observation of historyObservations({ steps, layerSizes: [] })) {
      if (observation.finding.code !== 'copy-before-install') continue;
      const index = observation.finding.historyIndex!;
      results.push({ observation, instruction: stage.instructions[index], step: steps[index] });
    }
  }

  const root = chain[0];
  const heavy = root && heavyBase(root.from);
  const findings: DockerfileFinding[] = [];
  const tips: DockerfileTip[] = [];
  if (root && heavy) {
    findings.push({
      code: 'heavy-base-image',
      message: `FROM ${root.from} is a full build image (compilers, headers, VCS tools) as the final stage; ${heavy.to} is about ${formatBytes(heavy.savedBytes)} smaller.`,
      sizeBytes: heavy.savedBytes,
      basis: 'estimated',
      line: root.line,
    });
    tips.push({
      code: 'smaller-base',
      title: 'A heavy base image',
      repository: options.name,
      image: options.name,
      instruction: `FROM ${root.from}`,
      savedBytes: heavy.savedBytes,
      monthlyCostUsd: monthlyCostUsd(
        heavy.savedBytes * DEFAULT_COMPRESSION_RATIO,
        options.pricePerGbMonthUsd,
      ),
      basis: 'estimated',
      change: `FROM ${heavy.to}, and install only what the service needs.`,
      caveat: VERIFY_CAVEAT,
      line: root.line,
    });
  }
  for (const { observation, instruction, step } of results) {
    // A Dockerfile has lines, not history or layer indexes.
    const finding: DockerfileFinding = { ...observation.finding, line: instruction.line };
    delete finding.historyIndex;
    delete finding.layerIndex;
    findings.push(finding);
    const draft = observation.tip;
    if (!draft) continue;
    tips.push({
      code: draft.code,
      title: draft.title,
      repository: options.name,
      image: options.name,
      instruction: describeStep(step, 200),
      savedBytes: draft.savedBytes,
      monthlyCostUsd: monthlyCostUsd(
        draft.savedBytes * DEFAULT_COMPRESSION_RATIO,
        options.pricePerGbMonthUsd,
      ),
      basis: 'estimated',
      change: draft.change,
      ...(draft.caveat
        ? {
            caveat: draft.caveat.replace(
              /^A guess from the history alone.*$/,
              'A guess: check the built layer.',
            ),
          }
        : {}),
      line: instruction.line,
    });
  }
  tips.sort((a, b) => b.savedBytes - a.savedBytes || a.line - b.line);
  findings.sort((a, b) => b.sizeBytes - a.sizeBytes || a.line - b.line);
  return { finalStages: chain.map((s) => s.name ?? s.from), findings, tips };
}
