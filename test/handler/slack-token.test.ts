import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import {
  secretsManagerToken,
  TOKEN_CACHE_MS,
  tokenFromSecret,
} from '../../lambda/handler/slack-token';

const ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:slack-AbCdEf';

describe('the Slack token', () => {
  it.each([
    ['plain text', 'xoxb-123', 'xoxb-123'],
    ['plain text with a trailing newline', 'xoxb-123\n', 'xoxb-123'],
    ['JSON with a token field', '{"token":"xoxb-456"}', 'xoxb-456'],
  ])('is read from a secret holding %s', (_case, secret, token) => {
    expect(tokenFromSecret(secret, ARN)).toBe(token);
  });

  it.each([
    ['nothing', undefined],
    ['an empty string', ''],
    ['JSON without a token', '{"bot":"xoxb-1"}'],
  ])('is refused when the secret holds %s, naming the secret but no value', (_case, secret) => {
    expect(() => tokenFromSecret(secret, ARN)).toThrow(
      `the secret ${ARN} holds no Slack token; store the bot token`,
    );
  });

  it('is read once per quarter hour per container, so rotation is picked up', async () => {
    const client = new SecretsManagerClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const secrets = mockClient(client);
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: 'xoxb-old' })
      .resolves({ SecretString: 'xoxb-new' });
    let nowMs = 0;
    const token = secretsManagerToken(client, ARN, () => nowMs);

    const first = await token();
    nowMs = TOKEN_CACHE_MS - 1;
    const cached = await token();
    nowMs = TOKEN_CACHE_MS + 1;
    const rotated = await token();

    expect([first, cached, rotated]).toEqual(['xoxb-old', 'xoxb-old', 'xoxb-new']);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect(secrets.commandCalls(GetSecretValueCommand)[0].args[0].input).toEqual({ SecretId: ARN });
  });
});
