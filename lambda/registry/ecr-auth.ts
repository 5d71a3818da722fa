/**
 * ECR's registry API credentials: the GetAuthorizationToken token (base64 of
 * `AWS:<password>`) sent as Basic auth, and the registry address it comes
 * with. The token lasts 12 hours; it is fetched once and renewed before expiry.
 */
import { GetAuthorizationTokenCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { RegistryError, type RegistryClientOptions } from './client';

const RENEW_BEFORE_MS = 5 * 60 * 1000;

export function ecrRegistryOptions(
  ecr: Pick<ECRClient, 'send'>,
  now: () => number = Date.now,
): Pick<RegistryClientOptions, 'baseUrl' | 'authorization'> {
  let current: { token: string; endpoint: string; expiresAtMs: number } | undefined;
  const refresh = async () => {
    if (current && current.expiresAtMs - RENEW_BEFORE_MS > now()) return current;
    const answer = await ecr.send(new GetAuthorizationTokenCommand({}));
    const data = answer.authorizationData?.[0];
    if (!data?.authorizationToken || !data.proxyEndpoint) {
      throw new RegistryError(
        'GetAuthorizationToken returned no token; layer analysis needs ecr:GetAuthorizationToken',
      );
    }
    current = {
      token: data.authorizationToken,
      endpoint: data.proxyEndpoint,
      expiresAtMs: data.expiresAt ? data.expiresAt.getTime() : now() + 60 * 60 * 1000,
    };
    return current;
  };
  return {
    baseUrl: async () => (await refresh()).endpoint,
    authorization: async () => `Basic ${(await refresh()).token}`,
  };
}

/** `https://<account>.dkr.ecr.<region>.amazonaws.com`, for a known account and region. */
export function ecrRegistryUrl(accountId: string, region: string): string {
  return `https://${accountId}.dkr.ecr.${region}.amazonaws.com`;
}

/** Account and region of an ECR registry host, or undefined for other hosts. */
export function parseEcrHost(host: string): { accountId: string; region: string } | undefined {
  const match = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host);
  return match ? { accountId: match[1], region: match[2] } : undefined;
}
