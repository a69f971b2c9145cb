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
    expect(formatOutboxDocument({ id: 'x', pad: 'y'.repeat(2000) }, 50)).toMatch(/…$/);
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
