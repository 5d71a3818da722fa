/** One image in a registry, opened like a local archive: manifest, config and a blob opener. */
import type { Readable } from 'node:stream';
import { ImageReadError } from '../errors';
import { parseManifest, sha256Digest, type BlobRef } from '../model/manifest';
import type { RegistryClient } from './client';

export interface RemoteImage {
  image: string;
  repository: string;
  manifest: string;
  manifestDigest: string;
  config: string;
  configDigest: string;
  layers: BlobRef[];
  openBlob(digest: string): Promise<Readable>;
}

export interface ImageReference {
  host: string;
  repository: string;
  /** A tag or a `sha256:` digest. */
  reference: string;
}

/** Parses `host[:port]/repo/name[:tag|@digest]`; undefined when it is not such a reference. */
export function parseImageReference(text: string): ImageReference | undefined {
  const match =
    /^([a-zA-Z0-9.-]+(?::\d+)?)\/([a-z0-9]+(?:[._/-][a-z0-9]+)*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/.exec(
      text,
    );
  if (!match) return undefined;
  const [, host, repository, tag, digest] = match;
  if (!host.includes('.') && !host.includes(':') && host !== 'localhost') return undefined;
  return { host, repository, reference: digest ?? tag ?? 'latest' };
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function openRemoteImage(
  client: RegistryClient,
  reference: ImageReference,
  options: { platform?: string } = {},
): Promise<RemoteImage> {
  const name = `${reference.host}/${reference.repository}${reference.reference.startsWith('sha256:') ? '@' : ':'}${reference.reference}`;
  let fetched = await client.getManifest(reference.repository, reference.reference);
  let parsed = parseManifest(fetched.body, fetched.digest);
  if (parsed.kind === 'index') {
    const children = parsed.children.filter((child) => !child.attestation);
    const platformOf = (c: (typeof children)[number]) =>
      `${c.platform?.os}/${c.platform?.architecture}`;
    const chosen = options.platform
      ? children.find((c) => platformOf(c) === options.platform)
      : (children.find((c) => platformOf(c) === 'linux/amd64') ?? children[0]);
    if (!chosen) {
      throw new ImageReadError(
        `${name} has no image for ${options.platform ?? 'any platform'}; it holds ${children.map(platformOf).join(', ')}`,
        { image: name },
      );
    }
    fetched = await client.getManifest(reference.repository, chosen.digest);
    parsed = parseManifest(fetched.body, fetched.digest);
  }
  if (!parsed.config)
    throw new ImageReadError(`the manifest of ${name} has no config`, { image: name });
  const config = await text(await client.openBlob(reference.repository, parsed.config.digest));
  if (sha256Digest(config) !== parsed.config.digest) {
    throw new ImageReadError(
      `the config of ${name} does not match its digest ${parsed.config.digest}`,
      { image: name },
    );
  }
  return {
    image: name,
    repository: reference.repository,
    manifest: fetched.body,
    manifestDigest: fetched.digest,
    config,
    configDigest: parsed.config.digest,
    layers: parsed.layers,
    openBlob: (digest) => client.openBlob(reference.repository, digest),
  };
}
