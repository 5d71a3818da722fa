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
    message: 'a tag pattern may contain at most four "*" wildcards (ECR lifecycle limit)',
  });

/** A repository name pattern: `*` matches any run of characters, including `/`. */
export const repositoryPattern = z.string().min(1).max(256);

const days = z.int().min(1).max(36500);

export const rulesSchema = z.strictObject({
  /** Delete untagged images pushed more than N days ago. `null` turns the rule off. @default 14 */
  untaggedDays: days.nullable().default(14),
  /**
   * Keep the newest N tagged images of each group; older ones in the group
   * are deleted. A group is the images with a tag matching `tagPattern`.
   * @default [] (no count rule)
   */
  keepLast: z.array(z.strictObject({ tagPattern, count: z.int().min(1).max(10000) })).default([]),
  /**
   * Delete tagged images pushed more than `olderThanDays` ago that nobody
   * pulled for `notPulledDays` (pull times are approximate, updated about
   * once a day). `null` turns the rule off. @default null
   */
  stale: z.strictObject({ olderThanDays: days, notPulledDays: days }).nullable().default(null),
  /**
   * Tags that protect an image. Any one matching tag protects it (unlike
   * ECR's `tagPatternList`, where all patterns must match).
   * @default ["latest", "prod*", "release*", "stable"]
   */
  protectTags: z.array(tagPattern).default(['latest', 'prod*', 'release*', 'stable']),
});

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
        rules: rulesSchema.partial(),
      }),
    )
    .default([]),
  /** At most this many image deletions in one run. @default 500 */
  maxDeletionsPerRun: z.int().min(0).max(100000).default(500),
  /** Image references used outside this account and its ECS and Lambda (EKS, other accounts). @default [] */
  externalReferences: z.array(z.string().min(1)).default([]),
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

/**
 * Validates a configuration object. Throws a ConfigError that lists every
 * problem as `path: message (received …)`.
 */
export function parseConfig(input: unknown, source = 'configuration'): JanitorConfig {
  const result = configSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.join('.') : '(top level)';
    const keys = issue.code === 'unrecognized_keys' ? ` ${issue.keys.join(', ')}` : '';
    return `  ${path}:${keys} ${issue.message} (received ${describeValue(input, issue.path)})`;
  });
  const first = result.error.issues[0];
  throw new ConfigError(
    `invalid ${source}:\n${problems.join('\n')}\nFix these fields; every field and its default is listed in the README under "Configuration".`,
    { path: first?.path.join('.') ?? '' },
  );
}
