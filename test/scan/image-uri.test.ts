import { isInAccount, parseImageUri } from '../../lambda/scan/image-uri';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

describe('parseImageUri', () => {
  it.each([
    [
      `${HOST}/api:1.4`,
      { repository: 'api', tag: '1.4', accountId: '123456789012', region: 'eu-west-1' },
    ],
    [
      `${HOST}/team/api@${DIGEST}`,
      { repository: 'team/api', digest: DIGEST, accountId: '123456789012', region: 'eu-west-1' },
    ],
    [
      `${HOST}/api:1.4@${DIGEST}`,
      {
        repository: 'api',
        tag: '1.4',
        digest: DIGEST,
        accountId: '123456789012',
        region: 'eu-west-1',
      },
    ],
    [
      `${HOST}/api`,
      { repository: 'api', tag: 'latest', accountId: '123456789012', region: 'eu-west-1' },
    ],
    [
      '123456789012.dkr-ecr.eu-west-1.on.aws/api:v1',
      { repository: 'api', tag: 'v1', accountId: '123456789012', region: 'eu-west-1' },
    ],
    [
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/api:v1',
      { repository: 'api', tag: 'v1', accountId: '123456789012', region: 'cn-north-1' },
    ],
    ['api:v1', { repository: 'api', tag: 'v1' }],
    [`team/api@${DIGEST}`, { repository: 'team/api', digest: DIGEST }],
  ])('reads %s', (reference, expected) => {
    const parsed = parseImageUri(reference);
    expect(parsed).toEqual(expect.objectContaining(expected));
    for (const key of ['tag', 'digest', 'accountId', 'region'] as const) {
      if (!(key in expected)) expect(parsed?.[key]).toBeUndefined();
    }
  });

  it.each([
    'docker.io/library/nginx:1',
    'public.ecr.aws/nginx/nginx:1',
    'localhost:5000/api:v1',
    `${HOST}/api@sha256:short`,
    `${HOST}/API:v1`,
    '',
    'not a ref',
  ])('answers undefined for %j, which is not an ECR private image', (reference) => {
    expect(parseImageUri(reference)).toBeUndefined();
  });

  it('places a reference in the scanned account by its host, or in it when it has none', () => {
    expect(isInAccount(parseImageUri(`${HOST}/api:v1`)!, '123456789012', 'eu-west-1')).toBe(true);
    expect(isInAccount(parseImageUri(`${HOST}/api:v1`)!, '210987654321', 'eu-west-1')).toBe(false);
    expect(isInAccount(parseImageUri(`${HOST}/api:v1`)!, '123456789012', 'us-east-1')).toBe(false);
    expect(isInAccount(parseImageUri('api:v1')!, '123456789012', 'us-east-1')).toBe(true);
  });
});
