/**
 * A local HTTP server standing in for the Slack Web API, on a free
 * loopback port. It records every call (method, decoded arguments,
 * authorization) and answers `{ ok: true, ts }` unless a test queued other
 * answers: a 429 with Retry-After, an `ok: false` error, an HTTP failure.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  /** API method, e.g. `chat.postMessage`. */
  method: string;
  args: Record<string, unknown>;
  authorization?: string;
  atMs: number;
}

export interface SlackAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: Record<string, unknown>;
}

export interface SlackServer {
  /** The API root for WebClient's `slackApiUrl`, ending in `/api/`. */
  apiUrl: string;
  calls: SlackCall[];
  /** Answers for the next calls, in order; afterwards calls succeed again. */
  queue(...answers: SlackAnswer[]): void;
  /** Answer every call to this method with this answer until cleared. */
  failMethod(method: string, answer: SlackAnswer | undefined): void;
  stop(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** The WebClient sends form fields, with objects (blocks) as JSON strings. */
function decodeArgs(contentType: string | undefined, body: string): Record<string, unknown> {
  if (contentType?.includes('application/json')) return JSON.parse(body) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    try {
      args[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    } catch {
      args[key] = value;
    }
  }
  return args;
}

export async function startSlackServer(): Promise<SlackServer> {
  const calls: SlackCall[] = [];
  const pending: SlackAnswer[] = [];
  const failing = new Map<string, SlackAnswer>();
  let messages = 0;

  const server: Server = createServer((request, response) => {
    void (async () => {
      const method = (request.url ?? '').replace(/^\/api\//, '').split('?')[0];
      const args = decodeArgs(request.headers['content-type'], await readBody(request));
      calls.push({ method, args, authorization: request.headers.authorization, atMs: Date.now() });

      const answer = failing.get(method) ?? pending.shift();
      if (answer) {
        response.writeHead(answer.status ?? 200, {
          'content-type': 'application/json',
          ...answer.headers,
        });
        response.end(JSON.stringify(answer.body ?? { ok: false, error: 'fatal_error' }));
        return;
      }
      messages += 1;
      const ts = `1764748800.${String(messages).padStart(6, '0')}`;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: true, channel: args.channel, ts, message: { ts } }));
    })();
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    calls,
    queue: (...answers) => pending.push(...answers),
    failMethod: (method, answer) => {
      if (answer) failing.set(method, answer);
      else failing.delete(method);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
