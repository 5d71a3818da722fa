/**
 * The scan against a local endpoint that speaks the ECR JSON protocol,
 * through the real SDK stack, so its adaptive retry and timeouts are what
 * is tested (a client mock would bypass them).
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { sdkConfig } from '../../lambda/aws/clients';
import { scanAccount } from '../../lambda/scan/scan-account';
import { startEcrServer, type EcrServer } from '../../bench/scan/server';
import { SyntheticAccount } from '../../bench/scan/synthetic-account';
import { scanOptions } from './fake-account';

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

const options = () => scanOptions();

describe('scan through the SDK against a local ECR endpoint', () => {
  let server: EcrServer | undefined;
  afterEach(async () => server?.close());

  it('retries throttled calls and still reads every image', async () => {
    const account = new SyntheticAccount({ repositories: 4, images: 900, seed: 7 });
    account.throttleEvery = 5;
    server = await startEcrServer(account);
    const ecr = new ECRClient({
      ...sdkConfig({ region: 'us-east-1', endpoint: server.endpoint }),
      credentials,
    });

    const inventory = await scanAccount({ ecr }, options());

    expect(account.throttled).toBeGreaterThan(3);
    expect(inventory.repositories).toHaveLength(4);
    expect(inventory.repositories.reduce((n, r) => n + r.images.length, 0)).toBe(900);
    expect(Object.keys(inventory.manifests)).toHaveLength(900);
    expect(inventory.missing.filter((m) => m.repository)).toEqual([]);
    expect(account.counts.BatchGetImage).toBe(account.minimumCalls(false).BatchGetImage);
  });

  it('field case: 40 repositories x 1,500 images over a rate limit, one repository hung: throttled calls retried, the others finish, missing names it', async () => {
    const account = new SyntheticAccount({ repositories: 40, images: 60_000, seed: 11 });
    account.ratePerSecond = 40;
    const hung = account.repos[17].name;
    account.hang.add(hung);
    server = await startEcrServer(account);
    const ecr = new ECRClient({
      ...sdkConfig({ region: 'us-east-1', endpoint: server.endpoint, requestTimeoutMs: 1_000 }),
      credentials,
    });

    const inventory = await scanAccount({ ecr }, options());

    expect(account.throttled).toBeGreaterThan(0);
    expect(inventory.repositories).toHaveLength(39);
    expect(inventory.repositories.reduce((n, r) => n + r.images.length, 0)).toBe(
      60_000 - account.repos[17].count,
    );
    expect(inventory.missing.filter((m) => m.repository)).toEqual([
      { repository: hung, what: 'repository', reason: expect.stringMatching(/timeout|timed out/i) },
    ]);
  }, 120_000);

  it('names a repository whose calls hang in missing, after the timeout, and finishes the others', async () => {
    const account = new SyntheticAccount({ repositories: 4, images: 40, seed: 3 });
    const hung = account.repos[1].name;
    account.hang.add(hung);
    server = await startEcrServer(account);
    const ecr = new ECRClient({
      ...sdkConfig({
        region: 'us-east-1',
        endpoint: server.endpoint,
        requestTimeoutMs: 300,
        maxAttempts: 2,
      }),
      credentials,
    });

    const inventory = await scanAccount({ ecr }, options());

    expect(inventory.repositories.map((r) => r.name)).toEqual(
      account.repos.map((r) => r.name).filter((name) => name !== hung),
    );
    expect(inventory.missing.filter((m) => m.repository)).toEqual([
      { repository: hung, what: 'repository', reason: expect.stringMatching(/timeout|timed out/i) },
    ]);
  });
});
