/**
 * Entry point of the `ecr-janitor` command line: parses the arguments, runs
 * the command, and turns errors into one clear line and a non-zero exit.
 */
import { CommanderError } from 'commander';
import { JanitorError } from '../lambda/errors';
import { buildProgram } from '../lambda/cli/program';

async function main(argv: string[]): Promise<number> {
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
