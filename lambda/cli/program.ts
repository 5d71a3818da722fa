/**
 * The `ecr-janitor` command line. `report` and `apply` run the same pipeline
 * as the Lambda; only `apply --yes` changes anything.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DIGEST_FORMATS } from '../digest/render';
import { runInspectCommand, type InspectCommandOptions } from './inspect';
import { runReportCommand, type ReportCommandOptions } from './report';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

function isoInstant(value: string): Date {
  const date = new Date(value);
  // A time zone is required, as in the Lambda payload: a bare local time would
  // judge ages differently on every laptop.
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ||
    Number.isNaN(date.getTime())
  ) {
    throw new InvalidArgumentError(
      `"${value}" is not an ISO-8601 instant with a time zone, such as 2026-01-31T00:00:00Z.`,
    );
  }
  return date;
}

function seconds(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    throw new InvalidArgumentError(`"${value}" is not a positive number of seconds.`);
  }
  return number;
}

function addRunOptions(command: Command): Command {
  return command
    .option('--config <file>', 'configuration file (JSON or YAML)')
    .option('--region <region>', 'AWS region (default: AWS_REGION or the profile)')
    .option('--profile <name>', 'AWS named profile')
    .option('--repositories <pattern...>', 'only repositories matching these patterns (* wildcard)')
    .addOption(
      new Option('--format <format>', 'output format').choices(DIGEST_FORMATS).default('text'),
    )
    .option('--output <file>', 'write the digest to this file instead of stdout')
    .option('--now <instant>', 'judge ages as of this ISO-8601 instant', isoInstant)
    .option('--snapshot <file>', 'read the inventory from a saved snapshot instead of AWS')
    .option('--save-snapshot <file>', 'save the inventory to this file')
    .option('--registry-url <url>', 'registry to read layer blobs from (default: the account ECR)')
    .option('--time-budget <seconds>', 'stop starting new work after this long', seconds)
    .option(
      '--state-dir <dir>',
      'where caches, run summaries and the audit log live',
      '.ecr-janitor',
    )
    .option('--verbose', 'structured logs on stderr');
}

export function buildProgram(io: CliIo): Command {
  const program = new Command('ecr-janitor')
    .description('Finds wasted storage in Amazon ECR and cleans up what is safe to clean.')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  addRunOptions(
    program
      .command('report')
      .description('scan, analyse and plan; print the digest; change nothing'),
  ).action((options: ReportCommandOptions) => runReportCommand({ ...options, apply: false }, io));

  addRunOptions(
    program
      .command('apply')
      .description('the same as report, then carry out the plan (needs --yes)')
      .option('--yes', 'really delete images and put lifecycle policies'),
  ).action((options: ReportCommandOptions & { yes?: boolean }) =>
    runReportCommand({ ...options, apply: true }, io),
  );

  addInspectCommand(program, io);

  return program;
}

function nonNegative(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) {
    throw new InvalidArgumentError(`"${value}" is not a non-negative number.`);
  }
  return number;
}

function ratio(value: string): number {
  const number = nonNegative(value);
  if (number > 1) {
    throw new InvalidArgumentError(`"${value}" is not a ratio between 0 and 1 (0.9 means 90 %).`);
  }
  return number;
}

function addInspectCommand(program: Command, io: CliIo): void {
  program
    .command('inspect')
    .description(
      'bloat analysis of one image: a docker save archive, an OCI archive or layout folder, or a registry reference',
    )
    .argument('<image>', 'file, folder, or registry reference (host/repository:tag or @digest)')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'),
    )
    .option(
      '--registry-url <url>',
      'registry address to use instead of https://<host> (e.g. http://127.0.0.1:5000)',
    )
    .option('--region <region>', 'AWS region for an ECR reference (default: from the host)')
    .option('--profile <name>', 'AWS named profile for an ECR reference')
    .option(
      '--platform <os/arch>',
      'image to pick from a multi-platform index (default linux/amd64)',
    )
    .option('--price-per-gb-month <usd>', 'storage price for the money figures', nonNegative, 0.1)
    .option('--max-wasted-bytes <bytes>', "fail when dive's wasted bytes exceed this", nonNegative)
    .option('--max-bloat-bytes <bytes>', 'fail when our bloat bytes exceed this', nonNegative)
    .option('--min-efficiency <ratio>', "fail when dive's efficiency is below this (0..1)", ratio)
    .option(
      '--max-user-wasted-percent <ratio>',
      "fail when dive's user wasted ratio exceeds this (0..1)",
      ratio,
    )
    .action((image: string, options: InspectCommandOptions) =>
      runInspectCommand(image, options, io),
    );
}
