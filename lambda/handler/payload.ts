/**
 * What one invocation asks for. Two shapes arrive: the schedule's own
 * payload (run with the deployment's mode) and a manual payload from
 * `aws lambda invoke`. Both are validated before any AWS call; a bad one
 * yields a PayloadError that names the field, the value received and the
 * fix, and nothing is scanned or deleted.
 */
import { z } from 'zod';
import { parseConfig, type JanitorConfig } from '../config/schema';
import { ConfigError } from '../errors';
import { matchesAny } from '../util/pattern';
import { SCHEDULE_SOURCE } from './contract';

export class PayloadError extends ConfigError {}

const instant = z.iso.datetime({ offset: true });

/** Configuration fields a manual run may change; scope, mode and delivery stay as deployed. */
export const OVERRIDABLE_CONFIG_KEYS = [
  'rules',
  'overrides',
  'maxDeletionsPerRun',
  'externalReferences',
  'pricePerGbMonthUsd',
  'analysis',
] as const;

export const manualPayloadSchema = z.strictObject({
  /** Compute and report the plan without changing anything. */
  dryRun: z.boolean().optional(),
  /** Repository patterns for this run; each must lie inside the deployment's scope. */
  repositories: z.array(z.string().min(1)).min(1).optional(),
  /** Deliver the digest to Slack and email. @default true */
  notify: z.boolean().optional(),
  /** Judge ages as of this ISO-8601 instant. @default the current time */
  now: instant.optional(),
  /** Configuration fields that replace the deployed ones for this run. */
  config: z
    .record(z.string(), z.unknown())
    .refine(
      (config) =>
        Object.keys(config).every((key) =>
          (OVERRIDABLE_CONFIG_KEYS as readonly string[]).includes(key),
        ),
      { message: `only ${OVERRIDABLE_CONFIG_KEYS.join(', ')} may be changed for one run` },
    )
    .optional(),
});

export type ManualPayload = z.infer<typeof manualPayloadSchema>;

export const schedulePayloadSchema = z.object({
  source: z.literal(SCHEDULE_SOURCE),
  scheduledTime: instant,
  executionId: z.string().optional(),
});

/** An EventBridge rule's scheduled event, for deployments wired to a rule instead. */
export const ruleEventSchema = z.object({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
  time: instant,
});

export interface Invocation {
  trigger: 'schedule' | 'manual';
  dryRun: boolean;
  notify: boolean;
  now: Date;
  config: JanitorConfig;
}

function describe(value: unknown, path: PropertyKey[]): string {
  let current: unknown = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return 'nothing';
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current === undefined ? 'nothing' : JSON.stringify(current);
}

function parseOrThrow<T>(schema: z.ZodType<T>, event: unknown, what: string, fix: string): T {
  const result = schema.safeParse(event);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map(
        (key) =>
          `  ${[...issue.path, key].join('.')}: unknown field (received ${describe(event, [...issue.path, key])})`,
      );
    }
    const path = issue.path.length ? issue.path.join('.') : '(payload)';
    return [`  ${path}: ${issue.message} (received ${describe(event, issue.path)})`];
  });
  throw new PayloadError(`invalid ${what}:\n${problems.join('\n')}\n${fix}`, {
    path: result.error.issues[0]?.path.join('.') ?? '',
  });
}

const MANUAL_FIX =
  'A manual payload takes dryRun (boolean), repositories (patterns), notify (boolean), now (ISO-8601, e.g. "2026-01-31T00:00:00Z") and config; see the README under "Manual runs of the deployed function".';

/** The deployed configuration with a manual run's changes; rules merge field by field. */
function configForRun(deployed: JanitorConfig, payload: ManualPayload): JanitorConfig {
  for (const pattern of payload.repositories ?? []) {
    // A pattern read as a literal name that the deployed patterns match
    // selects a subset of the deployed scope (every `*` in it falls inside
    // a deployed `*`), so a manual run can narrow the scope, never widen it.
    if (!matchesAny(pattern, deployed.repositories)) {
      throw new PayloadError(
        `invalid payload: repositories entry "${pattern}" is outside this deployment's scope ${JSON.stringify(deployed.repositories)}; pick repositories inside it, or redeploy with a wider scope.`,
        { path: 'repositories' },
      );
    }
  }
  const overrides = (payload.config ?? {}) as Partial<Record<string, unknown>>;
  const merged = {
    ...deployed,
    ...overrides,
    rules: { ...deployed.rules, ...(overrides.rules as object | undefined) },
    analysis: { ...deployed.analysis, ...(overrides.analysis as object | undefined) },
    // Extra references only add protection, so they join the deployed ones.
    externalReferences: [
      ...deployed.externalReferences,
      ...((overrides.externalReferences as string[] | undefined) ?? []),
    ],
    repositories: payload.repositories ?? deployed.repositories,
  };
  try {
    return parseConfig(merged, 'payload config');
  } catch (error) {
    throw new PayloadError((error as Error).message, { path: 'config', cause: error });
  }
}

function isScheduled(event: unknown): boolean {
  return typeof event === 'object' && event !== null && 'source' in event;
}

/**
 * Turns an event into an invocation. Dry run unless the deployment enforces
 * and the event does not ask for a dry run; asking to enforce a report-mode
 * deployment is an error, not a silent dry run.
 */
export function parseInvocation(
  event: unknown,
  deployed: JanitorConfig,
  clock: () => Date,
): Invocation {
  const enforcing = deployed.mode === 'enforce';

  if (isScheduled(event)) {
    const scheduled =
      (event as { source: unknown }).source === 'aws.events'
        ? {
            scheduledTime: parseOrThrow(
              ruleEventSchema,
              event,
              'scheduled event',
              'The event must be an EventBridge "Scheduled Event".',
            ).time,
          }
        : parseOrThrow(
            schedulePayloadSchema,
            event,
            'schedule payload',
            `The schedule sends {"source":"${SCHEDULE_SOURCE}","scheduledTime":…}; redeploy the construct if it sends something else.`,
          );
    return {
      trigger: 'schedule',
      dryRun: !enforcing,
      notify: true,
      // Ages are judged at the scheduled instant, so a retried delivery plans the same.
      now: new Date(scheduled.scheduledTime),
      config: deployed,
    };
  }

  const payload = parseOrThrow(manualPayloadSchema, event ?? {}, 'payload', MANUAL_FIX);
  if (payload.dryRun === false && !enforcing) {
    throw new PayloadError(
      'invalid payload: dryRun false asks to delete images, but this deployment runs in report mode; send dryRun true (or leave it out), or redeploy with mode "enforce".',
      { path: 'dryRun' },
    );
  }
  return {
    trigger: 'manual',
    dryRun: !enforcing || payload.dryRun === true,
    notify: payload.notify ?? true,
    now: payload.now ? new Date(payload.now) : clock(),
    config: configForRun(deployed, payload),
  };
}
