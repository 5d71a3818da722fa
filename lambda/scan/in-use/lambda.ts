/**
 * Images that Lambda runs: every version of every function with package
 * type Image (`$LATEST` and each published version), and the versions its
 * aliases point at (including weighted routing), so the digest can name the
 * alias that uses an image.
 */
import {
  GetFunctionCommand,
  paginateListAliases,
  paginateListFunctions,
  type FunctionConfiguration,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { MissingPart } from '../../model/inventory';
import { collect, limitPages, type CallLimit } from '../calls';
import type { JsonMapCache } from '../json-map-cache';
import { parseImageUri } from '../image-uri';
import type { RawReference, WorkloadScan } from './raw-reference';

/** ListFunctions answers at most 50 functions per page. */
const FUNCTIONS_PER_PAGE = 50;

export interface FunctionImage {
  imageUri?: string;
  resolvedImageUri?: string;
}

export interface LambdaScanOptions {
  limit: CallLimit;
  /** Images of published versions; a published version never changes. */
  versions: JsonMapCache<FunctionImage>;
}

export async function scanLambda(
  lambda: LambdaClient,
  options: LambdaScanOptions,
): Promise<WorkloadScan> {
  const { limit } = options;
  const references: RawReference[] = [];
  const missing: MissingPart[] = [];

  // FunctionVersion ALL lists each published version as well as $LATEST.
  const versions = await collect(missing, 'lambda-functions', async () => {
    const found: FunctionConfiguration[] = [];
    const pages = paginateListFunctions(
      { client: lambda, pageSize: FUNCTIONS_PER_PAGE },
      { FunctionVersion: 'ALL' },
    );
    for await (const page of limitPages(pages, limit)) {
      for (const fn of page.Functions ?? []) if (fn.PackageType === 'Image') found.push(fn);
    }
    return found;
  });

  const imagesByVersion = new Map<string, FunctionImage>();
  await Promise.all(
    (versions ?? []).map((fn) =>
      collect(
        missing,
        'lambda-functions',
        async () => {
          const name = fn.FunctionName as string;
          const version = fn.Version ?? '$LATEST';
          const image = await functionImage(lambda, fn, options);
          imagesByVersion.set(`${name}:${version}`, image);
          references.push(...toRaw(image, `${name}:${version}`));
        },
        `function ${fn.FunctionName}:${fn.Version}`,
      ),
    ),
  );

  const functionNames = [...new Set((versions ?? []).map((fn) => fn.FunctionName as string))];
  await Promise.all(
    functionNames.map((name) =>
      collect(
        missing,
        'lambda-aliases',
        async () => {
          const pages = paginateListAliases({ client: lambda }, { FunctionName: name });
          for await (const page of limitPages(pages, limit)) {
            for (const alias of page.Aliases ?? []) {
              const targets = [
                alias.FunctionVersion,
                ...Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {}),
              ];
              for (const version of targets) {
                const image = imagesByVersion.get(`${name}:${version}`);
                if (image) references.push(...toRaw(image, `${name}:${alias.Name}`));
              }
            }
          }
        },
        `function ${name}`,
      ),
    ),
  );
  return { references, missing };
}

async function functionImage(
  lambda: LambdaClient,
  fn: FunctionConfiguration,
  options: LambdaScanOptions,
): Promise<FunctionImage> {
  const version = fn.Version ?? '$LATEST';
  // A name can be deleted and created again with the same version numbers,
  // so the code hash and modification time are part of the key.
  const key = `${fn.FunctionArn}|${version}|${fn.CodeSha256}|${fn.LastModified}`;
  const published = version !== '$LATEST';
  const cached = published ? options.versions.get(key) : undefined;
  if (cached) return cached;
  const answer = await options.limit(() =>
    lambda.send(new GetFunctionCommand({ FunctionName: fn.FunctionName, Qualifier: version })),
  );
  const image: FunctionImage = {
    imageUri: answer.Code?.ImageUri,
    resolvedImageUri: answer.Code?.ResolvedImageUri,
  };
  if (published) options.versions.set(key, image);
  return image;
}

function toRaw(image: FunctionImage, id: string): RawReference[] {
  const source = { kind: 'lambda-function' as const, id };
  const resolvedDigest = image.resolvedImageUri
    ? parseImageUri(image.resolvedImageUri)?.digest
    : undefined;
  if (image.imageUri) return [{ imageRef: image.imageUri, resolvedDigest, source }];
  return image.resolvedImageUri ? [{ imageRef: image.resolvedImageUri, source }] : [];
}
