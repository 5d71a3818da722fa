/**
 * What a path in an image is, when it is something a better build would not
 * ship: package-manager caches, VCS folders, test and doc trees, build tool
 * chains, and files that should never be in an image at all (secrets).
 */

export type ContentCategory =
  | 'apt-lists'
  | 'apt-archives'
  | 'apk-cache'
  | 'yum-cache'
  | 'npm-cache'
  | 'yarn-cache'
  | 'pip-cache'
  | 'go-build-cache'
  | 'go-module-cache'
  | 'vcs-folder'
  | 'docs'
  | 'tests'
  | 'toolchain'
  | 'secret-file';

interface Rule {
  category: ContentCategory;
  pattern: RegExp;
}

const HOME = '(?:root|home/[^/]+)';

/** First match wins, so a pip cache inside a `.git` folder is not counted twice. */
const RULES: Rule[] = [
  { category: 'apt-lists', pattern: /^var\/lib\/apt\/lists\/(?!lock$|partial$)/ },
  { category: 'apt-archives', pattern: /^var\/cache\/apt\/(?!archives\/(lock|partial)$)/ },
  { category: 'apk-cache', pattern: /^(var\/cache\/apk|etc\/apk\/cache)\// },
  { category: 'yum-cache', pattern: /^var\/cache\/(yum|dnf|libdnf5)\// },
  { category: 'npm-cache', pattern: new RegExp(`^${HOME}/\\.npm/`) },
  {
    category: 'yarn-cache',
    pattern: new RegExp(
      `^(${HOME}/\\.cache/yarn|${HOME}/\\.yarn/berry/cache|usr/local/share/\\.cache/yarn)/`,
    ),
  },
  { category: 'pip-cache', pattern: new RegExp(`^${HOME}/\\.cache/pip/`) },
  { category: 'go-build-cache', pattern: new RegExp(`^${HOME}/\\.cache/go-build/`) },
  { category: 'go-module-cache', pattern: new RegExp(`^(${HOME}/go|go)/pkg/mod/`) },
  { category: 'vcs-folder', pattern: /(^|\/)\.(git|svn|hg)\// },
  { category: 'docs', pattern: /^usr\/(local\/)?share\/(doc|man|info|gtk-doc)\// },
  {
    category: 'tests',
    pattern:
      /(^|\/)node_modules\/(@[^/]+\/)?[^/]+\/(test|tests|__tests__)\/|^usr\/(local\/)?lib\/python3[^/]*\/test\//,
  },
  {
    category: 'toolchain',
    pattern:
      /^usr\/(lib|libexec)\/gcc\/|^usr\/bin\/(x86_64-linux-gnu-|aarch64-linux-gnu-)?(gcc|g\+\+|cc1|cpp|c\+\+)(-\d+)?$|^usr\/include\/|^usr\/local\/go\/|^usr\/lib\/go-[^/]+\/|^usr\/local\/(rustup|cargo)\/|^usr\/lib\/llvm-[^/]+\//,
  },
];

const SECRET_NAMES = new Set([
  'id_rsa',
  'id_dsa',
  'id_ecdsa',
  'id_ed25519',
  '.git-credentials',
  '.netrc',
  '.pypirc',
  '.npmrc',
  'credentials.json',
  'credential.json',
]);

/** Certificate stores are full of public `.pem` files: never secrets. */
const CERTIFICATE_STORE =
  /^(etc\/ssl\/certs|usr\/share\/ca-certificates|etc\/pki\/ca-trust|usr\/lib\/ssl\/certs)\//;

export function isSecretPath(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (CERTIFICATE_STORE.test(path)) return false;
  if (SECRET_NAMES.has(base)) return true;
  if (/^\.env(\.[^/]+)?$/.test(base) && !/\.(example|sample|template|dist|defaults)$/.test(base)) {
    return true;
  }
  if (/(^|\/)\.aws\/credentials$|(^|\/)\.docker\/config\.json$/.test(path)) return true;
  return /\.(key|p12|pfx)$/.test(base) || /(priv(ate)?[-_]?key|privkey)[^/]*\.pem$/.test(base);
}

/** The category of a path, or undefined for ordinary content. */
export function classifyPath(path: string): ContentCategory | undefined {
  if (isSecretPath(path)) return 'secret-file';
  for (const rule of RULES) if (rule.pattern.test(path)) return rule.category;
  return undefined;
}

/** Categories that are caches, whose fix is to clean them in the RUN that made them. */
export const CACHE_CATEGORIES: ReadonlySet<ContentCategory> = new Set([
  'apt-lists',
  'apt-archives',
  'apk-cache',
  'yum-cache',
  'npm-cache',
  'yarn-cache',
  'pip-cache',
  'go-build-cache',
  'go-module-cache',
]);
