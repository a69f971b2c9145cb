import {
  createKeyChecker,
  grantFor,
  isAuthorized,
  keyFromRequest,
  type HostKeys,
} from '../../../../devhost/src/http/keys';

const keys: HostKeys = {
  masterKey: 'master-key-value',
  functionKeys: { default: 'function-key-value', other: 'other-function-key' },
  systemKeys: { durabletask_extension: 'durable-system-key' },
};

describe('key matrix (keys enforced)', () => {
  const presented: Record<string, string | undefined> = {
    none: undefined,
    wrong: 'not-a-key',
    function: 'function-key-value',
    otherFunction: 'other-function-key',
    system: 'durable-system-key',
    master: 'master-key-value',
  };
  const expected: Record<string, Record<string, boolean>> = {
    anonymous: { none: true, wrong: true, function: true, otherFunction: true, system: true, master: true },
    function: { none: false, wrong: false, function: true, otherFunction: true, system: false, master: true },
    admin: { none: false, wrong: false, function: false, otherFunction: false, system: false, master: true },
  };
  const cases = Object.entries(expected).flatMap(([level, row]) =>
    Object.entries(row).map(([key, allowed]) => [level, key, allowed] as const),
  );

  test.each(cases)('level %s with the %s key is allowed: %p', (level, key, allowed) => {
    expect(isAuthorized(keys, level as 'anonymous' | 'function' | 'admin', presented[key])).toBe(allowed);
  });

  test('a named system key requirement accepts that system key or the master key only', () => {
    const webhook = { systemKey: 'durabletask_extension' };
    expect(isAuthorized(keys, webhook, 'durable-system-key')).toBe(true);
    expect(isAuthorized(keys, webhook, 'master-key-value')).toBe(true);
    expect(isAuthorized(keys, webhook, 'function-key-value')).toBe(false);
    expect(isAuthorized(keys, webhook, undefined)).toBe(false);
  });

  test('grantFor names what a key is', () => {
    expect(grantFor(keys, 'master-key-value')).toEqual({ kind: 'master' });
    expect(grantFor(keys, 'other-function-key')).toEqual({ kind: 'function', name: 'other' });
    expect(grantFor(keys, 'durable-system-key')).toEqual({ kind: 'system', name: 'durabletask_extension' });
    expect(grantFor(keys, 'x')).toBeUndefined();
  });
});

describe('key lookup', () => {
  test('the x-functions-key header comes first, then ?code=', () => {
    const url = new URL('http://h/api/x?code=from-query');
    expect(keyFromRequest({ 'x-functions-key': 'from-header' }, url)).toBe('from-header');
    expect(keyFromRequest({}, url)).toBe('from-query');
    expect(keyFromRequest({}, new URL('http://h/api/x'))).toBeUndefined();
  });
});

describe('key checker', () => {
  const request = { headers: {}, url: new URL('http://h/api/x') };

  test('when keys are not enforced every request passes, as with func start', () => {
    expect(createKeyChecker(keys, '/k.json', false).check('admin', request)).toBe(true);
  });

  test('when keys are enforced a request without a key fails a function-level check', () => {
    const checker = createKeyChecker(keys, '/k.json', true);
    expect(checker.check('function', request)).toBe(false);
    expect(
      checker.check('function', { ...request, url: new URL('http://h/api/x?code=function-key-value') }),
    ).toBe(true);
  });
});
