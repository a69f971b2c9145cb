import { findLinks, formatOutboxDocument } from '../../../../devhost/src/emulators/outbox/format';

describe('formatOutboxDocument', () => {
  it('shows id, kind and each link on its own line, without system properties', () => {
    const text = formatOutboxDocument({
      id: 'n1',
      type: 'approvalRequested',
      to: 'boss@example.com',
      body: 'Approve: http://127.0.0.1:7071/api/approvals/r1/approve?code=x or reject http://127.0.0.1:7071/api/approvals/r1/reject',
      _etag: 'e',
      _ts: 1,
    });
    expect(text.split('\n')).toEqual([
      expect.stringMatching(/^outbox: n1 \(approvalRequested\) \{"id":"n1".*"to":"boss@example.com"/),
      '  link: http://127.0.0.1:7071/api/approvals/r1/approve?code=x',
      '  link: http://127.0.0.1:7071/api/approvals/r1/reject',
    ]);
    expect(text).not.toContain('_etag');
  });

  it('shortens a long document', () => {
    expect(formatOutboxDocument({ id: 'x', pad: 'y'.repeat(2000) }, 50)).toMatch(/…\(\+\d+ chars\)$/);
  });

  it('escapes ESC, BEL and other control characters in every value it prints, links included', () => {
    const text = formatOutboxDocument({
      id: 'n\u001b[2J',
      subject: 'Laptop\u0007\u001b]0;owned\u0007\r\u009b31m',
      body: 'approve at http://127.0.0.1:7071/api/a?token=\u001b[1m',
    });
    // eslint-disable-next-line no-control-regex -- no raw control character may reach the log
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('outbox: n\\u001b[2J (Laptop\\u0007\\u001b]0;owned\\u0007\\u000d\\u009b31m)');
    expect(text).toContain('  link: http://127.0.0.1:7071/api/a?token=\\u001b[1m');
  });

  it('bounds the id and kind it prints', () => {
    const line = formatOutboxDocument({ id: 'i'.repeat(5000), subject: 's'.repeat(5000) }, 100);
    expect(line.length).toBeLessThan(700);
  });
});

describe('findLinks', () => {
  it('finds links in nested values once each', () => {
    expect(findLinks({ a: ['https://x.test/1', { b: 'see https://x.test/1 and http://y.test' }] })).toEqual([
      'https://x.test/1',
      'http://y.test',
    ]);
  });
});
