import { parseFuncignore } from '../../../../scripts/package/funcignore';

describe('parseFuncignore (Core Tools semantics)', () => {
  it('publishes everything when the file is empty or only comments', () => {
    const ignore = parseFuncignore('# nothing\n\n');
    expect(ignore.accepts('dist/src/functions/a.js')).toBe(true);
  });

  it('matches a pattern as a prefix anchored at the project root', () => {
    const ignore = parseFuncignore('test\ndist/devhost\n');
    expect(ignore.accepts('test/unit/a.test.js')).toBe(false);
    expect(ignore.accepts('tests.json')).toBe(false);
    expect(ignore.accepts('dist/devhost/main.js')).toBe(false);
    expect(ignore.accepts('dist/test/a.js')).toBe(true);
    expect(ignore.accepts('dist/src/functions/a.js')).toBe(true);
  });

  it('never lets a single star cross a slash, so *.ts drops only top-level files', () => {
    const ignore = parseFuncignore('*.ts\n');
    expect(ignore.accepts('jest.config.ts')).toBe(false);
    expect(ignore.accepts('src/config.ts')).toBe(true);
  });

  it('lets a double star cross folders', () => {
    const ignore = parseFuncignore('dist/**/*.map\n');
    expect(ignore.accepts('dist/src/functions/a.js.map')).toBe(false);
    expect(ignore.accepts('dist/src/functions/a.js')).toBe(true);
  });

  it('strips a leading slash, which anchors nothing more than the default', () => {
    const ignore = parseFuncignore('/src\n');
    expect(ignore.accepts('src/config.ts')).toBe(false);
    expect(ignore.accepts('dist/src/config.js')).toBe(true);
  });

  it('lets any matching negation win over every exclusion, whatever the order', () => {
    const ignore = parseFuncignore('!dist/**\ndist/devhost\n');
    expect(ignore.accepts('dist/devhost/main.js')).toBe(true);
  });

  it('treats regex characters in patterns literally', () => {
    const ignore = parseFuncignore('a+b.(x)\n');
    expect(ignore.accepts('a+b.(x)')).toBe(false);
    expect(ignore.accepts('aab.(x)')).toBe(true);
  });

  it('accepts Windows separators in the path it is asked about', () => {
    const ignore = parseFuncignore('dist/devhost\n');
    expect(ignore.accepts('dist\\devhost\\main.js')).toBe(false);
  });
});
