/**
 * The janitor function's entry point. Scheduled runs use the deployment's
 * mode; manual runs (`aws lambda invoke`) send a payload, validated before
 * anything is read or changed. See the README under "Manual runs of the
 * deployed function".
 */
import { containerDeps } from './handler/container';
import { handleInvocation, type InvocationResult, type LambdaContextLike } from './handler/invoke';

let deps: ReturnType<typeof containerDeps> | undefined;

export async function handler(
  event: unknown,
  context: LambdaContextLike,
): Promise<InvocationResult> {
  deps ??= containerDeps();
  return handleInvocation(event, context, deps);
}
