/**
 * A small client for the registry HTTP API (distribution spec v2): manifests
 * and blobs, streamed. ECR answers a blob request with a 307 to a pre-signed
 * S3 address; that second request must go *without* the Authorization header
 * (S3 rejects a request that carries both a signature and other credentials),
 * so redirects are followed by hand.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { JanitorError } from '../errors';
import { ACCEPTED_MANIFEST_MEDIA_TYPES, sha256Digest } from '../model/manifest';

export type FetchLike = typeof fetch;

export interface RegistryClientOptions {
  /** `https://<account>.dkr.ecr.<region>.amazonaws.com`, or a local registry such as `http://127.0.0.1:5000`. */
  baseUrl: string | (() => Promise<string>);
  /** The Authorization header value (`Basic …`), when the registry needs one. */
  authorization?: () => Promise<string | undefined>;
  fetch?: FetchLike;
  /** Per request, until the response headers arrive. @default 30000 */
  timeoutMs?: number;
}

/** A registry answer that is not what was asked for. */
export class RegistryError extends JanitorError {
  readonly status?: number;
  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options);
    this.status = options.status;
  }
}

const MAX_REDIRECTS = 5;

export interface FetchedManifest {
  body: string;
  digest: string;
  mediaType: string;
}

export class RegistryClient {
  private readonly fetch: FetchLike;

  constructor(private readonly options: RegistryClientOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  private async url(path: string): Promise<string> {
    const base =
      typeof this.options.baseUrl === 'string'
        ? this.options.baseUrl
        : await this.options.baseUrl();
    return `${base.replace(/\/+$/, '')}/v2/${path}`;
  }

  private async request(path: string, accept?: string): Promise<Response> {
    let url = await this.url(path);
    const authorization = await this.options.authorization?.();
    let headers: Record<string, string> = {
      ...(accept ? { Accept: accept } : {}),
      ...(authorization ? { Authorization: authorization } : {}),
    };
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      let response: Response;
      // The timeout covers the wait for the response headers only: a large
      // layer may take minutes to stream, and aborting would cut it short.
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.options.timeoutMs ?? 30000);
      try {
        response = await this.fetch(url, {
          headers,
          redirect: 'manual',
          signal: controller.signal,
        });
      } catch (error) {
        throw new RegistryError(
          `cannot reach the registry at ${new URL(url).origin}: ${(error as Error).message}`,
          { cause: error },
        );
      } finally {
        clearTimeout(timer);
      }
      if (response.status >= 300 && response.status < 400 && response.headers.get('location')) {
        await response.body?.cancel();
        url = new URL(response.headers.get('location')!, url).toString();
        // The redirect target (S3) authenticates by its signed query string alone.
        headers = accept ? { Accept: accept } : {};
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        const bearer = /^bearer/i.test(response.headers.get('www-authenticate') ?? '');
        const hint = bearer
          ? ' The registry asks for a bearer token, which is not supported; use an ECR registry, or an open registry with --registry-url.'
          : response.status === 401 || response.status === 403
            ? ' The registry refused the credentials: check ecr:GetAuthorizationToken and ecr:BatchGetImage/GetDownloadUrlForLayer permissions.'
            : response.status === 404
              ? ' It does not exist in that repository.'
              : '';
        throw new RegistryError(`registry answered ${response.status} for ${path}.${hint}`, {
          status: response.status,
        });
      }
      return response;
    }
    throw new RegistryError(`more than ${MAX_REDIRECTS} redirects for ${path}`);
  }

  /** Streams a blob as stored. */
  async openBlob(repository: string, digest: string): Promise<Readable> {
    const response = await this.request(`${repository}/blobs/${digest}`);
    if (!response.body) return Readable.from([]);
    return Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
  }

  /** Fetches a manifest or index by tag or digest; a digest reference is checked against the bytes. */
  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const response = await this.request(
      `${repository}/manifests/${reference}`,
      ACCEPTED_MANIFEST_MEDIA_TYPES.join(', '),
    );
    const body = await response.text();
    const digest = sha256Digest(body);
    if (reference.startsWith('sha256:') && digest !== reference) {
      throw new RegistryError(
        `manifest ${reference} of ${repository} does not match its bytes (they hash to ${digest})`,
      );
    }
    return { body, digest, mediaType: response.headers.get('content-type') ?? '' };
  }
}

/** A BlobSource over a registry client, for summariseLayers. */
export function registryBlobSource(client: RegistryClient) {
  return { open: (repository: string, digest: string) => client.openBlob(repository, digest) };
}
