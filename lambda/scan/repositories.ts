/** Repositories in scope, with their lifecycle policy text. */
import {
  GetLifecyclePolicyCommand,
  paginateDescribeRepositories,
  type ECRClient,
  type Repository,
} from '@aws-sdk/client-ecr';
import { inScope } from '../util/pattern';
import { errorName } from './errors';

/** DescribeRepositories answers at most this many per page. */
const REPOSITORIES_PER_PAGE = 1000;

export interface RepositoryListing {
  name: string;
  arn?: string;
  uri?: string;
  createdAt?: string;
  registryId?: string;
}

/** Every repository of the registry (all pages) that matches the scope patterns. */
export async function listRepositories(
  ecr: ECRClient,
  include: readonly string[],
  exclude: readonly string[],
): Promise<RepositoryListing[]> {
  const repositories: RepositoryListing[] = [];
  const pages = paginateDescribeRepositories({ client: ecr, pageSize: REPOSITORIES_PER_PAGE }, {});
  for await (const page of pages) {
    for (const repository of page.repositories ?? []) {
      if (repository.repositoryName && inScope(repository.repositoryName, include, exclude)) {
        repositories.push(toListing(repository));
      }
    }
  }
  return repositories.sort((a, b) => a.name.localeCompare(b.name));
}

function toListing(repository: Repository): RepositoryListing {
  return {
    name: repository.repositoryName as string,
    arn: repository.repositoryArn,
    uri: repository.repositoryUri,
    createdAt: repository.createdAt?.toISOString(),
    registryId: repository.registryId,
  };
}

/** `arn:aws:ecr:<region>:<account>:repository/<name>` gives the account and region without another call. */
export function accountAndRegionFromArn(
  arn: string | undefined,
): { accountId: string; region: string } | undefined {
  const match = /^arn:aws[a-z-]*:ecr:([a-z0-9-]+):(\d{12}):repository\//.exec(arn ?? '');
  return match ? { region: match[1], accountId: match[2] } : undefined;
}

/** The lifecycle policy text, or undefined when the repository has none. */
export async function readLifecyclePolicy(
  ecr: ECRClient,
  repositoryName: string,
  registryId?: string,
): Promise<string | undefined> {
  try {
    const answer = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName, registryId }));
    return answer.lifecyclePolicyText;
  } catch (error) {
    if (errorName(error) === 'LifecyclePolicyNotFoundException') return undefined;
    throw error;
  }
}
