/**
 * The registry client against real local HTTP servers: a registry that
 * answers blob requests with a 307 to a storage server, as ECR does with S3.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryClient, RegistryError } from '../../lambda/registry/client';
import { ecrRegistryOptions, parseEcrHost } from '../../lambda/registry/ecr-auth';
import { parseImageReference } from '../../lambda/registry/remote-image';
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';

function listen(handler: (req: IncomingMessage, res: import('node:http').ServerResponse) => void) {
  return new Promise<{ server: Server; url: string }>((resolve) => {
    const server = createServer(handler);
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    );
  });
}

const seen: Array<{ server: string; path: string; authorization?: string }> = [];
let registry: { server: Server; url: string };
let storage: { server: Server; url: string };

beforeAll(async () => {
  storage = await listen((req, res) => {
    seen.push({ server: 'storage', path: req.url!, authorization: req.headers.authorization });
    if (req.headers.authorization) {
      res.writeHead(400).end('Only one auth mechanism allowed');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end('blob-bytes');
  });
  registry = await listen((req, res) => {
    seen.push({ server: 'registry', path: req.url!, authorization: req.headers.authorization });
    if (req.headers.authorization !== 'Basic dG9rZW4=') {
      res.writeHead(401).end();
      return;
    }
    if (req.url!.includes('/blobs/')) {
      res.writeHead(307, { location: `${storage.url}/bucket/blob?X-Amz-Signature=abc` }).end();
      return;
    }
    res.writeHead(404).end();
  });
});

afterAll(() => {
  registry.server.close();
  storage.server.close();
});

beforeEach(() => seen.splice(0));

async function read(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

describe('the registry blob client', () => {
  it('sends Basic auth to the registry and follows the 307 to storage without it', async () => {
    const client = new RegistryClient({
      baseUrl: registry.url,
      authorization: async () => 'Basic dG9rZW4=',
    });
    expect(await read(await client.openBlob('team/app', `sha256:${'a'.repeat(64)}`))).toBe(
      'blob-bytes',
    );
    expect(seen).toEqual([
      {
        server: 'registry',
        path: `/v2/team/app/blobs/sha256:${'a'.repeat(64)}`,
        authorization: 'Basic dG9rZW4=',
      },
      { server: 'storage', path: '/bucket/blob?X-Amz-Signature=abc', authorization: undefined },
    ]);
  });

  it('explains a refusal and a missing blob', async () => {
    const anonymous = new RegistryClient({ baseUrl: registry.url });
    await expect(anonymous.openBlob('team/app', 'sha256:1')).rejects.toThrow(
      /answered 401 .* refused the credentials/,
    );
    const authed = new RegistryClient({
      baseUrl: registry.url,
      authorization: async () => 'Basic dG9rZW4=',
    });
    await expect(authed.getManifest('team/app', 'v1')).rejects.toThrow(RegistryError);
    await expect(authed.getManifest('team/app', 'v1')).rejects.toThrow(/answered 404/);
  });

  it('uses an injected fetch, and refuses a manifest whose bytes do not match the digest asked for', async () => {
    const fakeFetch = (async () =>
      new Response('{"schemaVersion":2,"layers":[]}', {
        status: 200,
        headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      })) as typeof fetch;
    const client = new RegistryClient({ baseUrl: 'https://registry.invalid', fetch: fakeFetch });
    await expect(client.getManifest('app', `sha256:${'b'.repeat(64)}`)).rejects.toThrow(
      /does not match its bytes/,
    );
  });
});

describe('ECR registry credentials', () => {
  it('come from GetAuthorizationToken, once until they near expiry', async () => {
    let calls = 0;
    const ecr = {
      send: async (command: unknown) => {
        expect(command).toBeInstanceOf(GetAuthorizationTokenCommand);
        calls += 1;
        return {
          authorizationData: [
            {
              authorizationToken: 'QVdTOnNlY3JldA==',
              proxyEndpoint: 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com',
              expiresAt: new Date(Date.now() + 12 * 3600 * 1000),
            },
          ],
        };
      },
    };
    const options = ecrRegistryOptions(ecr as never);
    expect(await options.authorization!()).toBe('Basic QVdTOnNlY3JldA==');
    expect(await (options.baseUrl as () => Promise<string>)()).toBe(
      'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    );
    expect(calls).toBe(1);
  });

  it.each([
    [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      { accountId: '123456789012', region: 'eu-west-1' },
    ],
    ['registry.example.com', undefined],
  ])('recognises ECR hosts: %s', (host, expected) => {
    expect(parseEcrHost(host)).toEqual(expected);
  });

  it.each([
    [
      '127.0.0.1:5000/team/app:v1',
      { host: '127.0.0.1:5000', repository: 'team/app', reference: 'v1' },
    ],
    [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app',
      {
        host: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
        repository: 'app',
        reference: 'latest',
      },
    ],
    [
      `localhost/app@sha256:${'c'.repeat(64)}`,
      { host: 'localhost', repository: 'app', reference: `sha256:${'c'.repeat(64)}` },
    ],
    ['app:v1', undefined],
  ])('parses the image reference %s', (text, expected) => {
    expect(parseImageReference(text)).toEqual(expected);
  });
});

describe('ECR registry credentials from a real ECR endpoint (moto)', () => {
  let moto: import('../support/moto').MotoServer;
  beforeAll(async () => {
    moto = await (await import('../support/moto')).startMoto('eu-west-1');
  });
  afterAll(async () => moto?.stop());

  it('turn the GetAuthorizationToken answer into Basic auth and the registry address', async () => {
    const { ECRClient } = await import('@aws-sdk/client-ecr');
    const { MOTO_CREDENTIALS } = await import('../support/moto');
    const ecr = new ECRClient({
      region: 'eu-west-1',
      endpoint: moto.endpoint,
      credentials: {
        accessKeyId: MOTO_CREDENTIALS.AWS_ACCESS_KEY_ID,
        secretAccessKey: MOTO_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
      },
    });
    const options = ecrRegistryOptions(ecr);
    expect(await options.authorization!()).toMatch(/^Basic [A-Za-z0-9+/=]+$/);
    expect(await (options.baseUrl as () => Promise<string>)()).toMatch(
      /^https:\/\/\d{12}\.dkr\.ecr\.eu-west-1\.amazonaws\.com$/,
    );
  });
});

describe('the registry client timeout', () => {
  it('covers the wait for headers only, not a slow body', async () => {
    const slow = await listen((_req, res) => {
      res.writeHead(200);
      res.write('part-1 ');
      setTimeout(() => res.end('part-2'), 300);
    });
    try {
      const client = new RegistryClient({ baseUrl: slow.url, timeoutMs: 100 });
      expect(await read(await client.openBlob('app', 'sha256:1'))).toBe('part-1 part-2');
    } finally {
      slow.server.close();
    }
  });

  it('gives up when no headers come in time', async () => {
    const silent = await listen(() => undefined);
    try {
      const client = new RegistryClient({ baseUrl: silent.url, timeoutMs: 100 });
      await expect(client.openBlob('app', 'sha256:1')).rejects.toThrow(/cannot reach the registry/);
    } finally {
      silent.server.closeAllConnections();
      silent.server.close();
    }
  });
});
