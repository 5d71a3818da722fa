/** Turns an SDK or other error into one short line for the inventory and logs. */
export function describeError(error: unknown): string {
  const name = (error as { name?: string })?.name;
  const message = (error as Error)?.message ?? String(error);
  return name && name !== 'Error' && !message.startsWith(name) ? `${name}: ${message}` : message;
}

export function errorName(error: unknown): string {
  return (error as { name?: string })?.name ?? '';
}
