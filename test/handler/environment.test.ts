import { EnvironmentError, readEnvironment } from '../../lambda/handler/environment';

const valid = {
  JANITOR_BUCKET: 'janitor-bucket',
  JANITOR_CONFIG: JSON.stringify({ mode: 'enforce', repositories: ['web'] }),
  JANITOR_REPORT_LINK_EXPIRY_SECONDS: '86400',
  JANITOR_DEPLOYMENT: 'ProdJanitor',
};

describe('the environment', () => {
  it('is read into a checked configuration', () => {
    const environment = readEnvironment(valid);

    expect(environment).toMatchObject({
      bucket: 'janitor-bucket',
      reportLinkExpirySeconds: 86400,
      deployment: 'ProdJanitor',
      slackTokenSecretArn: undefined,
    });
    expect(environment.config).toMatchObject({ mode: 'enforce', repositories: ['web'] });
  });

  it.each<[string, Record<string, string | undefined>, RegExp]>([
    ['a missing bucket', { JANITOR_BUCKET: undefined }, /JANITOR_BUCKET is not set; redeploy/],
    ['a blank configuration', { JANITOR_CONFIG: ' ' }, /JANITOR_CONFIG is not set/],
    [
      'configuration that is not JSON',
      { JANITOR_CONFIG: '{mode:' },
      /JANITOR_CONFIG is not JSON \(received "\{mode:"\)/,
    ],
    [
      'configuration the schema rejects',
      { JANITOR_CONFIG: '{"mode":"delete"}' },
      /configuration in JANITOR_CONFIG:\n {2}mode: .*\(received "delete"\)/,
    ],
    [
      'a link lifetime beyond seven days',
      { JANITOR_REPORT_LINK_EXPIRY_SECONDS: '999999' },
      /JANITOR_REPORT_LINK_EXPIRY_SECONDS must be whole seconds from 1 to 604800 .* received "999999"/,
    ],
  ])('fails with a named error on %s', (_case, change, message) => {
    let thrown: unknown;
    try {
      readEnvironment({ ...valid, ...change });
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(EnvironmentError);
    expect((thrown as Error).name).toBe('EnvironmentError');
    expect((thrown as Error).message).toMatch(message);
  });
});
