import { describeError, redactSecrets } from '../../lambda/notify/redact';

describe('what a delivery failure says', () => {
  it.each([
    ['a Slack bot token', 'bad auth for xoxb-1234-5678-abcdef', 'bad auth for [redacted]'],
    ['an app token', 'xapp-1-A0-123-abc failed', '[redacted] failed'],
    ['a bearer header', 'Authorization: Bearer abc.def-ghi', 'Authorization: [redacted]'],
    ['an AWS access key id', 'key AKIAABCDEFGHIJKLMNOP denied', 'key [redacted] denied'],
    ['a token field', '{"token":"s3cr3t","ok":false}', '{"token":"[redacted]","ok":false}'],
  ])('leaves out %s', (_what, text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it('names the error and keeps Slack’s own error code', () => {
    const error = Object.assign(new Error('An API error occurred: channel_not_found'), {
      code: 'slack_webapi_platform_error',
      data: { ok: false, error: 'channel_not_found' },
    });
    expect(describeError(error)).toBe(
      'slack_webapi_platform_error: An API error occurred: channel_not_found',
    );
  });

  it('describes things thrown that are not errors', () => {
    expect(describeError('boom xoxb-1-2-3')).toBe('boom [redacted]');
  });
});
