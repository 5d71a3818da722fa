/**
 * Entry point of the `ecr-janitor` command line: parses the arguments, runs
 * the command, and turns errors into one clear line and a non-zero exit.
 */
import { CommanderError } from 'commander';
import { JanitorError } from '../lambda/errors';
import { buildProgram } from '../lambda/cli/program';

/**
 * The AWS SDK warns on every run that its releases after January 2027 need
 * Node.js 22. The versions pinned here run on Node.js 20 (the README says
 * so), so that one warning is dropped; every other warning is printed.
 */
function quietSdkNodeVersionWarning(): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (!warning.message.startsWith('NodeVersionSupportWarning')) {
      process.stderr.write(`${warning.name}: ${warning.message}\n`);
    }
  });
}

async function main(argv: string[]): Promise<number> {
  quietSdkNodeVersionWarning();
  const io = {
    stdout: (text: string) => process.stdout.write(text),
    stderr: (text: string) => process.stderr.write(text),
    env: process.env,
  };
  try {
    await buildProgram(io).parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof JanitorError) {
      io.stderr(`ecr-janitor: ${error.message}\n`);
      return 2;
    }
    io.stderr(`ecr-janitor: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
