/** Reads a configuration file (JSON or YAML) and validates it. */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors';
import { parseConfig, type JanitorConfig } from './schema';

export async function loadConfigFile(file: string): Promise<JanitorConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read configuration file ${file}: ${(error as Error).message}; check the path given to --config`,
      { path: file, cause: error },
    );
  }
  let raw: unknown;
  try {
    raw = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      `configuration file ${file} is not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
      { path: file, cause: error },
    );
  }
  return parseConfig(raw, `configuration file ${file}`);
}
