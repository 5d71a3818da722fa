/**
 * A small key-value store for what persists between runs: the manifest and
 * layer-summary caches, run summaries, HTML reports and the audit log. A
 * folder for the CLI, an S3 prefix for the Lambda.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export interface Store {
  /** The stored text, or undefined when the key does not exist. */
  get(key: string): Promise<string | undefined>;
  put(key: string, body: string, contentType?: string): Promise<void>;
  /** Where a key lives, for humans (a path or an s3:// address). */
  locate(key: string): string;
}

export class FileStore implements Store {
  constructor(private readonly root: string) {}

  private path(key: string): string {
    if (key.split('/').some((part) => part === '..' || part === '')) {
      throw new Error(`invalid store key "${key}": keys are relative paths without ".."`);
    }
    return join(this.root, key.replaceAll(':', '_'));
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return await readFile(this.path(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async put(key: string, body: string): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
  }

  locate(key: string): string {
    return this.path(key);
  }
}

export class S3Store implements Store {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix = '',
  ) {}

  private key(key: string): string {
    return `${this.prefix}${key}`;
  }

  async get(key: string): Promise<string | undefined> {
    try {
      const answer = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.key(key) }),
      );
      return await answer.Body?.transformToString('utf8');
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'NoSuchKey' || name === 'NotFound') return undefined;
      throw error;
    }
  }

  async put(key: string, body: string, contentType = 'application/json'): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.key(key),
        Body: body,
        ContentType: contentType,
      }),
    );
  }

  locate(key: string): string {
    return `s3://${this.bucket}/${this.key(key)}`;
  }
}

/** A store that keeps nothing, for runs that must not write (tests, `--no-cache`). */
export class MemoryStore implements Store {
  readonly items = new Map<string, string>();
  async get(key: string) {
    return this.items.get(key);
  }
  async put(key: string, body: string) {
    this.items.set(key, body);
  }
  locate(key: string) {
    return `memory:${key}`;
  }
}
