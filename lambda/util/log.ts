/**
 * The logger interface every stage takes. In the Lambda it is Powertools'
 * Logger (one JSON object per line); in the CLI, a JSON-lines logger on
 * stderr that only speaks at the level asked for.
 */
export interface Log {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LEVELS)[number];

/** Writes one JSON object per line to a stream, at or above a level. */
export function jsonLinesLog(
  write: (line: string) => void,
  level: LogLevel = 'warn',
  keys: Record<string, unknown> = {},
): Log {
  const threshold = LEVELS.indexOf(level);
  const emit =
    (name: (typeof LEVELS)[number]) => (message: string, extra?: Record<string, unknown>) => {
      if (LEVELS.indexOf(name) < threshold) return;
      write(
        `${JSON.stringify({ level: name, time: new Date().toISOString(), message, ...keys, ...extra })}\n`,
      );
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLog: Log = jsonLinesLog(() => undefined, 'silent');
