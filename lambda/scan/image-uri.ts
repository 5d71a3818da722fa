/**
 * Image references as workloads write them:
 * `123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:1.4@sha256:…`,
 * or, for external references of this account, `team/api:1.4` and
 * `team/api@sha256:…`.
 */

export interface ImageUri {
  repository: string;
  tag?: string;
  digest?: string;
  /** Set when the reference names an ECR registry host. */
  accountId?: string;
  region?: string;
}

const ECR_HOST =
  /^(\d{12})\.dkr(?:\.ecr|-ecr)(?:-fips)?\.([a-z0-9-]+)\.(?:amazonaws\.com(?:\.cn)?|on\.aws)$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Parses an image reference. Answers undefined for references that are not
 * ECR private repositories (Docker Hub, ECR Public, other registries) and for
 * malformed ones. A reference with neither tag nor digest means `latest`, as
 * the container runtimes read it.
 */
export function parseImageUri(reference: string): ImageUri | undefined {
  let rest = reference.trim();
  let accountId: string | undefined;
  let region: string | undefined;

  const slash = rest.indexOf('/');
  const firstPart = slash < 0 ? '' : rest.slice(0, slash);
  if (firstPart.includes('.') || firstPart.includes(':') || firstPart === 'localhost') {
    const host = ECR_HOST.exec(firstPart);
    if (!host) return undefined;
    accountId = host[1];
    region = host[2];
    rest = rest.slice(slash + 1);
  }

  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  }
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(rest)) {
    return undefined;
  }
  if (!tag && !digest) tag = 'latest';
  return { repository: rest, tag, digest, accountId, region };
}

/**
 * True when a parsed reference points into the scanned account and region.
 * A reference without a host is taken to mean this account; when the
 * account or region is not known, any ECR host is accepted (keeping an
 * image is the safe side).
 */
export function isInAccount(uri: ImageUri, accountId?: string, region?: string): boolean {
  if (uri.accountId && accountId && uri.accountId !== accountId) return false;
  if (uri.region && region && uri.region !== region) return false;
  return true;
}
