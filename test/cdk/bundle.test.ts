/**
 * The bundled function, as Lambda would load it: the esbuild output of a real
 * synth, required in a separate Node process with the environment the
 * construct sets, answering a bad payload without any AWS call.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { synthJanitor } from './synth';

it('bundles a handler that loads on its own and rejects a bad payload', () => {
  const { app, template, janitor } = synthJanitor({}, { bundle: true });
  const outdir = app.synth().directory;
  const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0];
  const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
  const assetPath = (janitor.function.node.findChild('Code') as Asset).assetPath;
  const bundle = join(outdir, assetPath, 'index.js');
  expect(existsSync(bundle)).toBe(true);

  const script = `
    const { handler } = require(${JSON.stringify(bundle)});
    const context = { awsRequestId: 'smoke-1', functionName: 'janitor', getRemainingTimeInMillis: () => 900000 };
    handler({ dryRun: 'maybe' }, context).then((result) => process.stdout.write(JSON.stringify(result)));
  `;
  const output = execFileSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      JANITOR_CONFIG: String(variables.JANITOR_CONFIG),
      JANITOR_BUCKET: 'janitor-bucket',
      JANITOR_DEPLOYMENT: 'Smoke',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      AWS_REGION: 'eu-west-1',
    },
  });

  expect(JSON.parse(output)).toMatchObject({
    ok: false,
    runId: 'smoke-1',
    error: { name: 'PayloadError', message: expect.stringContaining('dryRun') },
  });
});
