/**
 * `.funcignore` as Azure Functions Core Tools reads it (its GitIgnoreParser, a port of the
 * gitignore-parser package), so `npm run package` drops exactly what `func azure functionapp
 * publish` would. That is not git's semantics: every pattern is anchored at the start of the
 * project-relative path and matches as a prefix (`test` also drops `tests.json`), `*` never
 * crosses a `/`, `**` crosses anything, and any `!` pattern that matches wins over every
 * exclusion, whatever the order of the lines.
 */
export interface FuncIgnore {
  /** True when the file at this project-relative path (forward slashes) is published. */
  accepts(relativePath: string): boolean;
}

export function parseFuncignore(text: string): FuncIgnore {
  const exclude: string[] = [];
  const include: string[] = [];
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    if (negated) line = line.slice(1);
    if (line.startsWith('/')) line = line.slice(1);
    (negated ? include : exclude).push(line);
  }
  const excluded = anchoredAlternation(exclude);
  const included = anchoredAlternation(include);
  return {
    accepts(relativePath) {
      const candidate = relativePath.replace(/\\/g, '/').replace(/^\//, '');
      return included.test(candidate) || !excluded.test(candidate);
    },
  };
}

function anchoredAlternation(patterns: string[]): RegExp {
  if (patterns.length === 0) return /$^/;
  return new RegExp(`^((${[...patterns].sort().map(patternToRegex).join(')|(')}))`);
}

function patternToRegex(pattern: string): string {
  return pattern
    .replace(/[-[\]/{}()+?.\\^$|]/g, '\\$&')
    .replace(/\*\*/g, '(.+)')
    .replace(/\*/g, '([^\\/]+)');
}
