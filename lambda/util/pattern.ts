/**
 * Wildcard patterns as ECR writes them: `*` matches any run of characters
 * (including none); every other character matches itself.
 */
const cache = new Map<string, RegExp>();

export function wildcardToRegExp(pattern: string): RegExp {
  let regexp = cache.get(pattern);
  if (!regexp) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    regexp = new RegExp(`^${body}$`, 's');
    cache.set(pattern, regexp);
  }
  return regexp;
}

export function matchesPattern(value: string, pattern: string): boolean {
  return wildcardToRegExp(pattern).test(value);
}

export function matchesAny(value: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matchesPattern(value, pattern));
}

/** In scope: matches an include pattern and no exclude pattern. */
export function inScope(name: string, include: readonly string[], exclude: readonly string[]) {
  return matchesAny(name, include) && !matchesAny(name, exclude);
}
