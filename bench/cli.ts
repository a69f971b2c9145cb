/** `npm run bench -- [scenario...] [--quick] [--rounds n] [--targets a,b] [--cap-scale x] [--write|--no-write]` */
import { ALL_TARGETS, SCENARIOS, type TargetName } from './scenarios';

export interface BenchOptions {
  scenarios: string[];
  targets: TargetName[];
  quick: boolean;
  rounds: number;
  /** Multiplies every scenario's cap (a longer or shorter full run). */
  capScale: number;
  /** Write docs/benchmarks.md (default: a full run of every scenario on every target). */
  write: boolean;
  /** Also keep the raw results in this JSON file. */
  save?: string;
  /** Run nothing: write docs/benchmarks.md from results saved earlier with --save. */
  render?: string;
}

export const USAGE =
  'npm run bench -- [scenario...] [--quick] [--rounds n] [--targets memory,azure-disk,azure-memory,restate] ' +
  `[--cap-scale x] [--write | --no-write] [--save results.json] | --render results.json\n` +
  `scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`;

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const scenarios: string[] = [];
  let targets: TargetName[] | undefined;
  let quick = false;
  let rounds: number | undefined;
  let capScale = 1;
  let write: boolean | undefined;
  let save: string | undefined;
  let render: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value.\n${USAGE}`);
      return next;
    };
    const number = (text: string): number => {
      const n = Number(text);
      if (!(n > 0)) throw new Error(`${arg} needs a positive number, not "${text}".\n${USAGE}`);
      return n;
    };
    if (arg === '--quick') quick = true;
    else if (arg === '--rounds') rounds = Math.round(number(value()));
    else if (arg === '--cap-scale') capScale = number(value());
    else if (arg === '--write') write = true;
    else if (arg === '--no-write') write = false;
    else if (arg === '--save') save = value();
    else if (arg === '--render') render = value();
    else if (arg === '--targets') {
      targets = value().split(',') as TargetName[];
      const unknown = targets.filter((t) => !ALL_TARGETS.includes(t));
      if (unknown.length) throw new Error(`Unknown target ${unknown.join(', ')}.\n${USAGE}`);
    } else if (arg.startsWith('--')) throw new Error(`Unknown option ${arg}.\n${USAGE}`);
    else if (SCENARIOS.some((s) => s.name === arg)) scenarios.push(arg);
    else throw new Error(`Unknown scenario "${arg}".\n${USAGE}`);
  }
  const all = scenarios.length === 0 && targets === undefined;
  return {
    scenarios: scenarios.length ? scenarios : SCENARIOS.map((s) => s.name),
    targets: targets ?? [...ALL_TARGETS],
    quick,
    rounds: rounds ?? (quick ? 1 : 3),
    capScale,
    write: write ?? (all && !quick),
    ...(save !== undefined ? { save } : {}),
    ...(render !== undefined ? { render } : {}),
  };
}
