/** `ecr-janitor report` and `ecr-janitor apply`. */
import { constants } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createAwsClients, explainAwsError, type AwsClients } from '../aws/clients';
import { loadConfigFile } from '../config/load';
import { parseConfig } from '../config/schema';
import { renderDigest, type DigestFormat } from '../digest/render';
import { ConfigError } from '../errors';
import { RegistryClient, registryBlobSource } from '../registry/client';
import { ecrRegistryOptions } from '../registry/ecr-auth';
import { runJanitor } from '../run';
import { jsonLinesLog } from '../util/log';
import { FileStore } from '../util/store';
import type { CliIo } from './program';

export interface ReportCommandOptions {
  config?: string;
  region?: string;
  profile?: string;
  repositories?: string[];
  format: DigestFormat;
  output?: string;
  now?: Date;
  snapshot?: string;
  saveSnapshot?: string;
  registryUrl?: string;
  timeBudget?: number;
  stateDir: string;
  verbose?: boolean;
  yes?: boolean;
  apply: boolean;
}

/** Fails before the scan, not after it, when the digest could not be written. */
async function checkWritable(file: string): Promise<void> {
  try {
    await access(dirname(resolve(file)), constants.W_OK);
  } catch (error) {
    throw new ConfigError(
      `cannot write the digest to ${file}: its folder does not exist or is not writable (${(error as NodeJS.ErrnoException).code}); create the folder or choose another --output`,
      { path: '--output', cause: error },
    );
  }
}

/**
 * Layers come from --registry-url (no auth) when given, else from the
 * account's ECR registry API. With a custom AWS endpoint (a local stand-in
 * such as moto) the registry host derived from the account would be the real
 * ECR, which such a setup does not mean to reach, so layers are not read.
 */
function layerBlobSource(
  ecr: AwsClients['ecr'],
  options: ReportCommandOptions,
  io: CliIo,
  progress: (message: string) => void,
) {
  if (options.registryUrl) {
    return registryBlobSource(new RegistryClient({ baseUrl: options.registryUrl }));
  }
  const variable = ['AWS_ENDPOINT_URL_ECR', 'AWS_ENDPOINT_URL'].find((name) => io.env[name]);
  if (variable) {
    progress(
      `layer analysis skipped: ${variable} points the SDK at ${io.env[variable]}, and layer blobs are read through the registry API, not the SDK; pass --registry-url to read them`,
    );
    return undefined;
  }
  return registryBlobSource(new RegistryClient(ecrRegistryOptions(ecr)));
}

export async function runReportCommand(options: ReportCommandOptions, io: CliIo): Promise<void> {
  if (options.apply && !options.yes) {
    throw new ConfigError(
      'apply changes the registry and needs --yes; run `ecr-janitor report` first to see the plan',
      { path: '--yes' },
    );
  }
  if (options.apply && options.snapshot) {
    throw new ConfigError(
      'apply works on the live account, not a snapshot; drop --snapshot to apply',
      { path: '--snapshot' },
    );
  }
  if (options.output) await checkWritable(options.output);
  const loaded = options.config ? await loadConfigFile(options.config) : parseConfig({});
  const config = options.repositories
    ? parseConfig({ ...loaded, repositories: options.repositories }, '--repositories')
    : loaded;

  const started = Date.now();
  const timeBudgetMs = options.timeBudget ? options.timeBudget * 1000 : undefined;
  const progress = (message: string) => io.stderr(`${message}\n`);
  const clients = options.snapshot
    ? undefined
    : createAwsClients({ region: options.region, profile: options.profile });
  const blobSource = clients ? layerBlobSource(clients.ecr, options, io, progress) : undefined;
  try {
    const { digest } = await runJanitor(
      {
        config,
        dryRun: !options.apply,
        now: options.now,
        snapshotFile: options.snapshot,
        saveSnapshotFile: options.saveSnapshot,
      },
      {
        clients,
        blobSource,
        cache: new FileStore(join(options.stateDir, 'cache')),
        state: new FileStore(options.stateDir),
        // Warnings reach the reader through the digest itself; the JSON log
        // lines on stderr are for --verbose runs (and errors).
        log: jsonLinesLog(io.stderr, options.verbose ? 'debug' : 'error'),
        progress: options.snapshot ? undefined : progress,
        remainingTimeMs: timeBudgetMs ? () => timeBudgetMs - (Date.now() - started) : undefined,
      },
    );
    const rendered = renderDigest(digest, options.format, {
      topRepositories: config.notify.topRepositories,
      from: config.notify.email?.from,
      to: config.notify.email?.to,
    });
    if (options.output) {
      await writeFile(options.output, rendered);
      io.stderr(`digest written to ${options.output}\n`);
    } else {
      io.stdout(rendered);
    }
  } catch (error) {
    throw explainAwsError(error, options.profile ?? io.env.AWS_PROFILE);
  }
}
