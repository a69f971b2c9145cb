/**
 * Keeps app faults inside the invocation that caused them: an unhandled rejection or uncaught
 * exception raised by code an invocation started fails that invocation; one raised outside any
 * invocation is logged. Neither takes devhost down.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ensureError, UnhandledAppError } from './errors';
import { nativeProcess, processWide } from './nativeModules';

export interface FaultScope {
  fail(error: Error): void;
}

type OrphanHandler = (error: Error, kind: 'unhandledRejection' | 'uncaughtException') => void;

/** The invocation a fault belongs to; one per process (see `processWide`). */
const scopes = (): AsyncLocalStorage<FaultScope> =>
  processWide('faultScopes', () => new AsyncLocalStorage<FaultScope>());
const orphanHandlers = new Set<OrphanHandler>();

function onFault(kind: 'unhandledRejection' | 'uncaughtException', reason: unknown): void {
  const scope = scopes().getStore();
  const error = new UnhandledAppError(kind, ensureError(reason));
  if (scope) {
    scope.fail(error);
    return;
  }
  if (orphanHandlers.size === 0) {
    // No host is listening any more: report as Node would, without exiting a test runner.
    console.error(error);
    return;
  }
  for (const handler of orphanHandlers) handler(error, kind);
}

const onRejection = (reason: unknown): void => onFault('unhandledRejection', reason);
const onException = (error: unknown): void => onFault('uncaughtException', error);

/** Starts guarding; the returned function stops (listeners go when the last host stops). */
export function guardProcess(onOrphan: OrphanHandler): () => void {
  const proc = nativeProcess();
  if (orphanHandlers.size === 0) {
    proc.on('unhandledRejection', onRejection);
    proc.on('uncaughtException', onException);
  }
  orphanHandlers.add(onOrphan);
  return () => {
    if (!orphanHandlers.delete(onOrphan)) return;
    if (orphanHandlers.size === 0) {
      proc.off('unhandledRejection', onRejection);
      proc.off('uncaughtException', onException);
    }
  };
}

/** Runs `fn` so that faults raised by anything it schedules are routed to `scope`. */
export function runInFaultScope<T>(scope: FaultScope, fn: () => T): T {
  return scopes().run(scope, fn);
}
