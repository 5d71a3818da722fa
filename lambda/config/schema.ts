/**
 * The configuration: one zod schema, parsed once at the edge (CLI, Lambda,
 * CDK synth). Errors name the path, the value received and the fix.
 */
import { z } from 'zod';
import { ConfigError } from '../errors';

/**
 * A tag pattern in ECR's wildcard syntax: `*` matches any run of characters.
 * At most four `*`, because native lifecycle rules allow no more and the
 * same patterns are written into native policies.
 */
export const tagPattern = z
  .string()
  .min(1, 'a tag pattern cannot be empty')
  .max(128)
  .refine((p) => (p.match(/\*/g) ?? []).length <= 4, {
    message:
      'a tag pattern may contain at most four "*" wildcards (the ECR lifecycle limit); use fewer "*", or split it into several patterns',
  });

/** A repository name pattern: `*` matches any run of characters, including `/`. */
export const repositoryPattern = z.string().min(1).max(256);

const days = z.int().min(1).max(36500);

/** One "keep the newest N" group: the tagged images with a tag matching `tagPattern`. */
const keepLastEntry = z.strictObject({
  tagPattern,
  count: z.int().min(1).max(10000),
});

const staleRule = z.strictObject({ olderThanDays: days, notPulledDays: days });

/**
 * The rule fields. Written once without defaults so that an override's
 * partial rules merge over the base rules without a default silently
 * replacing a value the base set.
 */
const ruleFields = {
  /** Delete untagged images pushed more than N days ago. `null` turns the rule off. @default 14 */
  untaggedDays: days.nullable(),
  /**
   * Keep the newest N tagged images of each group; older ones in the group
   * are deleted. A group is the images with a tag matching `tagPattern`.
   * An image in several groups is kept when any of its groups keeps it.
   * @default [] (no count rule)
   */
  keepLast: z.array(keepLastEntry),
  /**
   * Delete tagged images pushed more than `olderThanDays` ago that nobody
   * pulled for `notPulledDays` (pull times are approximate, updated about
   * once a day). `null` turns the rule off. @default null
   */
  stale: staleRule.nullable(),
  /**
   * Tags that protect an image. Any one matching tag protects it (unlike
   * ECR's `tagPatternList`, where all patterns must match).
   * @default ["latest", "prod*", "release*", "stable"]
   */
  protectTags: z.array(tagPattern),
};

export const RULE_DEFAULTS = {
  untaggedDays: 14,
  keepLast: [],
  stale: null,
  protectTags: ['latest', 'prod*', 'release*', 'stable'],
};

export const rulesSchema = z.strictObject({
  untaggedDays: ruleFields.untaggedDays.default(RULE_DEFAULTS.untaggedDays),
  keepLast: ruleFields.keepLast.default([]),
  stale: ruleFields.stale.default(null),
  protectTags: ruleFields.protectTags.default([...RULE_DEFAULTS.protectTags]),
});

/** Override rules: only the fields given replace the base rules. */
export const partialRulesSchema = z.strictObject(ruleFields).partial();

export type Rules = z.infer<typeof rulesSchema>;

export const configSchema = z.strictObject({
  /** `report` changes nothing; `enforce` applies the plan. @default "report" */
  mode: z.enum(['report', 'enforce']).default('report'),
  /** Repositories in scope, as name patterns. @default ["*"] */
  repositories: z.array(repositoryPattern).min(1).default(['*']),
  /** Repositories never touched nor reported, as name patterns. @default [] */
  excludeRepositories: z.array(repositoryPattern).default([]),
  /** Rules for every repository in scope. */
  rules: rulesSchema.default(rulesSchema.parse({})),
  /** Rules for repositories matching a pattern; the first match wins, fields merge over `rules`. */
  overrides: z
    .array(
      z.strictObject({
        repositories: z.array(repositoryPattern).min(1),
        rules: partialRulesSchema,
      }),
    )
    .default([]),
  /** At most this many image deletions in one run. @default 500 */
  maxDeletionsPerRun: z.int().min(0).max(100000).default(500),
  /** Image references used outside this account and its ECS and Lambda (EKS, other accounts). @default [] */
  externalReferences: z.array(z.string().min(1)).default([]),
  /**
   * Count every ACTIVE ECS task definition revision as in use, on top of
   * services, running tasks and scheduled tasks. Safe, but it keeps every
   * image of every revision never deregistered; turn it off where CI
   * registers a revision per deploy and nothing runs tasks from outside
   * services and EventBridge. @default true
   */
  protectActiveTaskDefinitions: z.boolean().default(true),
  /** Write native lifecycle policies for the rules that are safe to hand to ECR. @default false */
  manageLifecyclePolicies: z.boolean().default(false),
  /** Storage price in USD per GB-month (ECR standard storage is about 0.10). @default 0.1 */
  pricePerGbMonthUsd: z.number().min(0).max(100).default(0.1),
  analysis: z
    .strictObject({
      /** Layer bytes (compressed) to download and analyse per run, largest kept images first. @default 5 GiB */
      byteBudget: z
        .int()
        .min(0)
        .default(5 * 1024 ** 3),
      /** Layers analysed at once. @default 2 */
      concurrency: z.int().min(1).max(16).default(2),
    })
    .default({ byteBudget: 5 * 1024 ** 3, concurrency: 2 }),
  notify: z
    .strictObject({
      /** Repositories listed in the summary part of the digest. @default 10 */
      topRepositories: z.int().min(1).max(45).default(10),
      slack: z.strictObject({ channel: z.string().min(1) }).optional(),
      email: z.strictObject({ from: z.email(), to: z.array(z.email()).min(1) }).optional(),
    })
    .default({ topRepositories: 10 }),
});

export type JanitorConfig = z.infer<typeof configSchema>;
export type JanitorConfigInput = z.input<typeof configSchema>;

function describeValue(root: unknown, path: PropertyKey[]): string {
  let value: unknown = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return 'nothing';
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/** zod's internal definition, read only to list the fields a strict object allows. */
interface SchemaDef {
  type: string;
  shape?: Record<string, { _zod: { def: SchemaDef } }>;
  element?: { _zod: { def: SchemaDef } };
  innerType?: { _zod: { def: SchemaDef } };
  format?: string;
}

/** The schema's definition at a path, wrappers (optional, default, nullable) removed. */
function definitionAt(path: PropertyKey[]): SchemaDef | undefined {
  let def: SchemaDef | undefined = (configSchema as unknown as { _zod: { def: SchemaDef } })._zod
    .def;
  const unwrap = () => {
    while (def?.innerType) def = def.innerType._zod.def;
  };
  for (const key of path) {
    unwrap();
    if (def?.type === 'array') def = def.element?._zod.def;
    else def = def?.shape?.[String(key)]?._zod.def;
  }
  unwrap();
  return def;
}

/** The field names allowed at a path, so an unknown field's message can list them. */
function knownFields(path: PropertyKey[]): string[] {
  const def = definitionAt(path);
  return def?.shape ? Object.keys(def.shape) : [];
}

/** Whether the field at a path takes whole numbers only (`z.int()`), for the wording of a fix. */
function isWholeNumberField(path: PropertyKey[]): boolean {
  return definitionAt(path)?.format === 'safeint';
}

type Issue = z.core.$ZodIssue;

/** What to do about one problem, in words a user can act on. */
function fixFor(issue: Issue, path: PropertyKey[]): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `remove it or correct its spelling; the fields allowed here are ${knownFields(path).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'give a non-empty value';
      return issue.origin === 'array' || issue.origin === 'string'
        ? `give at least ${issue.minimum} ${issue.origin === 'array' ? 'entries' : 'characters'}`
        : `use a ${isWholeNumberField(path) ? 'whole number' : 'number'} of at least ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'array' || issue.origin === 'string'
        ? `give at most ${issue.maximum} ${issue.origin === 'array' ? 'entries' : 'characters'}`
        : `use a ${isWholeNumberField(path) ? 'whole number' : 'number'} of at most ${issue.maximum}`;
    case 'invalid_type':
      return issue.expected === 'int' || issue.expected === 'number'
        ? `give a ${issue.expected === 'int' ? 'whole number' : 'number'}, written without quotes`
        : `give a value of type ${issue.expected}`;
    case 'invalid_value':
      return `use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return 'see the README section "Configuration"';
  }
}

function describeIssue(issue: Issue, input: unknown): string[] {
  const base = issue.path as PropertyKey[];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const path = [...base, key];
      return `  ${path.join('.')}: unknown field (received ${describeValue(input, path)}); fix: ${fixFor(issue, base)}`;
    });
  }
  const where = base.length ? base.join('.') : '(top level)';
  if (issue.code === 'invalid_type') {
    // zod's own text already says "received string"; say it once, with the value.
    return [
      `  ${where}: expected ${issue.expected === 'int' ? 'a whole number' : issue.expected} (received ${describeValue(input, base)}); fix: ${fixFor(issue, base)}`,
    ];
  }
  const message = issue.message.includes('; ')
    ? issue.message.replace('; ', ` (received ${describeValue(input, base)}); fix: `)
    : `${issue.message} (received ${describeValue(input, base)}); fix: ${fixFor(issue, base)}`;
  return [`  ${where}: ${message}`];
}

/**
 * Validates a configuration object. Throws a ConfigError that lists every
 * problem as `path: message (received …); fix: …`, before anything touches AWS.
 */
export function parseConfig(input: unknown, source = 'configuration'): JanitorConfig {
  const result = configSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) => describeIssue(issue, input));
  const first = result.error.issues[0];
  const firstPath = first
    ? [...first.path, ...(first.code === 'unrecognized_keys' ? [first.keys[0]] : [])]
    : [];
  throw new ConfigError(
    `invalid ${source}:\n${problems.join('\n')}\nEvery field and its default is listed in the README under "Configuration".`,
    { path: firstPath.join('.') },
  );
}
