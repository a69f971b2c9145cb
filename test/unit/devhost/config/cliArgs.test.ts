import { parseCliArgs, parseSize, parseTime, usage } from '../../../../devhost/src/config/cliArgs';
import { stackUsage } from '../../../../devhost/src/emulators/cliArgs';

describe('devhost command line', () => {
  test('start with every flag', () => {
    expect(
      parseCliArgs([
        'start',
        '--app-dir',
        'app',
        '--port=0',
        '--enforce-keys',
        '--watch',
        '--park-nondeterministic',
        '--inspect=9230',
        '--log',
        'json',
        '--max-request-body-size',
        '1mb',
        '--host',
        '0.0.0.0',
        '--state-dir',
        '/tmp/state',
        '--shutdown-timeout',
        '30s',
      ]),
    ).toEqual({
      command: 'start',
      appDir: 'app',
      stateDir: '/tmp/state',
      port: 0,
      host: '0.0.0.0',
      enforceKeys: true,
      watch: true,
      parkNondeterministic: true,
      inspect: { host: '127.0.0.1', port: 9230 },
      log: 'json',
      maxRequestBodyBytes: 1024 * 1024,
      shutdownTimeoutMs: 30_000,
    });
  });

  test('defaults', () => {
    expect(parseCliArgs(['start'])).toMatchObject({
      port: undefined,
      enforceKeys: false,
      log: 'text',
      inspect: undefined,
    });
    expect(parseCliArgs(['start', '--inspect'])).toMatchObject({
      inspect: { host: '127.0.0.1', port: 9229 },
    });
  });

  test('leaves --emulators to the local stack flags, so --help lists it once', () => {
    // main.ts takes the local stack flags out before parseCliArgs sees the rest.
    expect(() => parseCliArgs(['start', '--emulators', 'azurite'])).toThrow(/Unknown option '--emulators'/);
    const help = `${usage}\n\n${stackUsage}`;
    expect(help.match(/--emulators/g)).toHaveLength(1);
  });

  test('help', () => {
    expect(parseCliArgs([])).toEqual({ command: 'help' });
    expect(parseCliArgs(['start', '--help'])).toEqual({ command: 'help' });
  });

  test.each([
    [['start', '--bogus'], /Unknown option '--bogus'. Valid options: --app-dir/],
    [['serve'], /Unknown command 'serve'/],
    [['start', '--port', 'abc'], /--port must be a port number/],
    [['start', '--port', '70000'], /--port must be a port number/],
    [['start', '--port'], /--port needs a value/],
    [['start', '--app-dir', '--watch'], /--app-dir needs a value/],
    [['start', '--log', 'xml'], /--log must be 'text' or 'json'/],
    [['start', '--watch=yes'], /--watch takes no value/],
    [['start', '--park-nondeterministic'], /--park-nondeterministic works with --watch/],
    [['start', '--shutdown-timeout', 'soon'], /--shutdown-timeout must be seconds or a time such as 500ms/],
    [['start', '--shutdown-timeout', '2h'], /--shutdown-timeout must be seconds/],
  ])('%p is rejected with a message saying what is valid', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(message);
  });

  test('the shutdown timeout is seconds, or a time with ms, s or m', () => {
    expect(parseTime('10', '--shutdown-timeout')).toBe(10_000);
    expect(parseTime('2.5', '--shutdown-timeout')).toBe(2_500);
    expect(parseTime('500ms', '--shutdown-timeout')).toBe(500);
    expect(parseTime('1m', '--shutdown-timeout')).toBe(60_000);
    expect(parseTime('0', '--shutdown-timeout')).toBe(0);
  });

  test('the HTTP function time limit is a time or none, from the flag or else DEVHOST_HTTP_FUNCTION_TIMEOUT', () => {
    expect(parseCliArgs(['start'])).not.toHaveProperty('httpFunctionTimeoutMs');
    expect(parseCliArgs(['start', '--http-function-timeout', '90s'])).toMatchObject({
      httpFunctionTimeoutMs: 90_000,
    });
    expect(parseCliArgs(['start', '--http-function-timeout=none'])).toMatchObject({
      httpFunctionTimeoutMs: null,
    });
    const env = { DEVHOST_HTTP_FUNCTION_TIMEOUT: '2m' };
    expect(parseCliArgs(['start'], env)).toMatchObject({ httpFunctionTimeoutMs: 120_000 });
    expect(parseCliArgs(['start', '--http-function-timeout', '5'], env)).toMatchObject({
      httpFunctionTimeoutMs: 5_000,
    });
    expect(() => parseCliArgs(['start', '--http-function-timeout', '0'])).toThrow(
      "--http-function-timeout must be longer than 0 ('none' for no limit).",
    );
    expect(() => parseCliArgs(['start'], { DEVHOST_HTTP_FUNCTION_TIMEOUT: 'soon' })).toThrow(
      /--http-function-timeout must be seconds or a time/,
    );
  });

  test('the request limits come from their flags, or else from DEVHOST_MAX_CONCURRENT_REQUESTS and DEVHOST_REQUEST_TIMEOUT', () => {
    expect(parseCliArgs(['start', '--max-concurrent-requests', '50', '--request-timeout=10s'])).toMatchObject(
      {
        maxConcurrentRequests: 50,
        requestTimeoutMs: 10_000,
      },
    );
    const env = { DEVHOST_MAX_CONCURRENT_REQUESTS: '500', DEVHOST_REQUEST_TIMEOUT: '1m' };
    expect(parseCliArgs(['start'], env)).toMatchObject({
      maxConcurrentRequests: 500,
      requestTimeoutMs: 60_000,
    });
    expect(parseCliArgs(['start', '--max-concurrent-requests=7'], env)).toMatchObject({
      maxConcurrentRequests: 7,
      requestTimeoutMs: 60_000,
    });
    expect(() => parseCliArgs(['start', '--max-concurrent-requests', '0'])).toThrow(
      "--max-concurrent-requests must be a whole number from 1 up, not '0'.",
    );
    expect(() => parseCliArgs(['start', '--request-timeout', '0'])).toThrow(
      '--request-timeout must be longer than 0.',
    );
  });

  test('sizes take units', () => {
    expect(parseSize('100MB')).toBe(100 * 1024 * 1024);
    expect(parseSize('512kb')).toBe(512 * 1024);
    expect(parseSize('2048')).toBe(2048);
    expect(() => parseSize('lots')).toThrow(/must be a size/);
  });
});
