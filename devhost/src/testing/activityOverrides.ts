/**
 * Typing for per-test activity fakes: an override takes the input the real handler takes and
 * returns what it returns (or a promise of it), so a fake cannot drift from the real signature.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any handler shape is accepted; its own types flow through.
export type AnyActivityHandler = (input: any, ...rest: any[]) => unknown;

export type ActivityFake<H extends AnyActivityHandler> = (
  input: Parameters<H>[0],
) => Awaited<ReturnType<H>> | Promise<Awaited<ReturnType<H>>>;
