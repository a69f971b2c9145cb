import { createHash } from 'node:crypto';
import { sha1 } from '../../../../devhost/src/protocol/sha1';

describe('sha1', () => {
  const inputs = [
    '',
    'abc',
    'devhost-durable:order-1:0',
    'é漢字🙂',
    'x'.repeat(55),
    'y'.repeat(56),
    'z'.repeat(1000),
  ];

  it.each(inputs)('matches Node’s SHA-1 for %j', (input) => {
    const expected = createHash('sha1').update(input, 'utf8').digest('hex');
    expect(Buffer.from(sha1(input)).toString('hex')).toBe(expected);
  });
});
