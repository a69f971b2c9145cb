/**
 * Errors the worker seam raises. Each says when it is thrown; messages name the file or function at
 * fault and what to do.
 */

/** The app could not be loaded (missing, unbuilt, a `main` glob with no match, or a throw at load). */
export class AppLoadError extends Error {
  override readonly name = 'AppLoadError';
  constructor(
    message: string,
    /** The file at fault (package.json, an entry file). */
    readonly file: string,
    /** What the user should do about it. */
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `registerFunction` was called with metadata the host cannot serve, or after indexing. */
export class FunctionRegistrationError extends Error {
  override readonly name = 'FunctionRegistrationError';
}

/** The invocation ran longer than host.json `functionTimeout`. */
export class FunctionTimeoutError extends Error {
  override readonly name = 'FunctionTimeoutError';
  constructor(functionName: string, timeoutMs: number) {
    super(
      `Timeout value of ${formatDuration(timeoutMs)} exceeded by function '${functionName}' ` +
        `(host.json functionTimeout).`,
    );
  }
}

/** A non-trigger input binding has a type no plugin provides a value for. */
export class MissingInputProviderError extends Error {
  override readonly name = 'MissingInputProviderError';
  constructor(functionName: string, bindingName: string, bindingType: string, known: readonly string[]) {
    super(
      `Function '${functionName}' has an input binding '${bindingName}' of type '${bindingType}', ` +
        `which devhost cannot fill` +
        (known.length ? ` (it provides: ${known.join(', ')}).` : ' (no input binding types are provided).'),
    );
  }
}

/** An unhandled promise rejection or uncaught exception raised while a function was running. */
export class UnhandledAppError extends Error {
  override readonly name = 'UnhandledAppError';
  constructor(kind: 'unhandledRejection' | 'uncaughtException', cause: unknown) {
    super(`${kind} in function code: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    // Keep the frames of the app's error (where it was raised), under this error's headline.
    const frames = (cause as Error | undefined)?.stack?.split('\n').slice(1).join('\n');
    if (frames) this.stack = `${this.name}: ${this.message}\n${frames}`;
  }
}

export function ensureError(value: unknown): Error {
  if (value instanceof Error) return value;
  // Errors thrown by app code come from Node's own realm, while devhost may run in jest's.
  if (value !== null && typeof value === 'object' && 'message' in value && 'stack' in value) {
    return value as Error;
  }
  return new Error(typeof value === 'string' ? value : safeStringify(value));
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function formatDuration(ms: number): string {
  const totalSeconds = ms / 1000;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  const pad = (n: number) => String(Math.floor(n)).padStart(2, '0');
  const fraction = s % 1 ? (s % 1).toFixed(3).slice(1) : '';
  return `${pad(h)}:${pad(m)}:${pad(s)}${fraction}`;
}
