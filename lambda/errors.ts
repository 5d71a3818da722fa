/**
 * The error family. A message says what failed, on which resource, what was
 * received and what to do about it; context fields carry the same for logs.
 */

export class JanitorError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
  }
}

/** Invalid configuration, options or payload. Raised before any AWS call. */
export class ConfigError extends JanitorError {
  readonly path: string;
  constructor(message: string, options: { path: string; cause?: unknown }) {
    super(message, options);
    this.path = options.path;
  }
}

/** A manifest that cannot be parsed or does not match its digest. */
export class ManifestError extends JanitorError {
  readonly digest: string;
  constructor(message: string, options: { digest: string; cause?: unknown }) {
    super(message, options);
    this.digest = options.digest;
  }
}

/** A snapshot file that cannot be read. */
export class SnapshotError extends JanitorError {
  readonly file: string;
  constructor(message: string, options: { file: string; cause?: unknown }) {
    super(message, options);
    this.file = options.file;
  }
}

/** A layer or image archive that cannot be read. */
export class ImageReadError extends JanitorError {
  readonly image: string;
  constructor(message: string, options: { image: string; cause?: unknown }) {
    super(message, options);
    this.image = options.image;
  }
}

/** No usable AWS credentials or region. */
export class CredentialsError extends JanitorError {}
