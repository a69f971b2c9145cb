/**
 * ASP.NET Core inline route constraints (`{id:int}`, `{x:minlength(2):alpha}`), the set the
 * Functions host accepts. Each checks one route value (a string) with invariant culture.
 */
export type RouteConstraint = (value: string) => boolean;

export class RouteTemplateError extends Error {
  override readonly name = 'RouteTemplateError';
}

const integer = /^[+-]?\d+$/;
const decimalNumber = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const floatNumber = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const guidFormats = [
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /^[0-9a-f]{32}$/i,
  /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/i,
  /^\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)$/i,
];

function inRange(value: string, min: bigint, max: bigint): boolean {
  if (!integer.test(value)) return false;
  const n = BigInt(value);
  return n >= min && n <= max;
}

const int32 = (v: string) => inRange(v, -(2n ** 31n), 2n ** 31n - 1n);
const int64 = (v: string) => inRange(v, -(2n ** 63n), 2n ** 63n - 1n);

function numberArg(name: string, args: string[], index: number): bigint {
  const raw = args[index]?.trim();
  if (raw === undefined || !integer.test(raw)) {
    throw new RouteTemplateError(`The route constraint '${name}' needs an integer argument.`);
  }
  return BigInt(raw);
}

function expectArgs(name: string, args: string[], counts: number[]): void {
  if (!counts.includes(args.length)) {
    throw new RouteTemplateError(
      `The route constraint '${name}' takes ${counts.join(' or ')} argument(s), not ${args.length}.`,
    );
  }
}

/** Builds the constraint `name(args)`; throws RouteTemplateError for an unknown one. */
export function createConstraint(name: string, args: string[] | undefined): RouteConstraint {
  const a = args ?? [];
  const noArgs = () => expectArgs(name, a, [0]);
  switch (name.toLowerCase()) {
    case 'int':
      noArgs();
      return int32;
    case 'long':
      noArgs();
      return int64;
    case 'bool':
      noArgs();
      return (v) => /^(true|false)$/i.test(v);
    case 'guid':
      noArgs();
      return (v) => guidFormats.some((f) => f.test(v));
    case 'alpha':
      noArgs();
      return (v) => /^[a-z]*$/i.test(v);
    case 'double':
    case 'float':
      noArgs();
      return (v) => floatNumber.test(v);
    case 'decimal':
      noArgs();
      return (v) => decimalNumber.test(v);
    case 'datetime':
      noArgs();
      return (v) => !Number.isNaN(Date.parse(v));
    case 'required':
      noArgs();
      return (v) => v !== '';
    case 'min': {
      expectArgs(name, a, [1]);
      const min = numberArg(name, a, 0);
      return (v) => int64(v) && BigInt(v) >= min;
    }
    case 'max': {
      expectArgs(name, a, [1]);
      const max = numberArg(name, a, 0);
      return (v) => int64(v) && BigInt(v) <= max;
    }
    case 'range': {
      expectArgs(name, a, [2]);
      const min = numberArg(name, a, 0);
      const max = numberArg(name, a, 1);
      return (v) => int64(v) && BigInt(v) >= min && BigInt(v) <= max;
    }
    case 'minlength': {
      expectArgs(name, a, [1]);
      const min = Number(numberArg(name, a, 0));
      return (v) => v.length >= min;
    }
    case 'maxlength': {
      expectArgs(name, a, [1]);
      const max = Number(numberArg(name, a, 0));
      return (v) => v.length <= max;
    }
    case 'length': {
      expectArgs(name, a, [1, 2]);
      const min = Number(numberArg(name, a, 0));
      const max = a.length === 2 ? Number(numberArg(name, a, 1)) : min;
      return (v) => v.length >= min && v.length <= max;
    }
    case 'regex': {
      // One argument that may itself contain commas.
      const source = (args ?? []).join(',');
      let re: RegExp;
      try {
        // ASP.NET: IgnoreCase | CultureInvariant, not anchored unless the pattern anchors itself.
        re = new RegExp(source, 'i');
      } catch (err) {
        throw new RouteTemplateError(
          `The route constraint regex(${source}) is not a valid regular expression: ${(err as Error).message}`,
        );
      }
      return (v) => re.test(v);
    }
    default:
      throw new RouteTemplateError(
        `The route constraint '${name}' is not known. Known: int, long, bool, guid, alpha, double, float, ` +
          'decimal, datetime, required, min, max, range, minlength, maxlength, length, regex.',
      );
  }
}
