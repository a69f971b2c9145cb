/** `npm run soak -- [--orders n] [--backlog n] [--batches n] [--approvals n] [--operations n] [--minutes m] [--clients n] [--seed n] [--no-write]` */
import { DEFAULT_SOAK, type SoakOptions } from './runSoak';

export type SoakArgs = Partial<Omit<SoakOptions, 'log' | 'azuriteConnectionString'>> & {
  /** Write docs/reliability.md (default true). */
  write: boolean;
};

const USAGE =
  'npm run soak -- [--orders n] [--backlog n] [--batches n] [--approvals n] [--operations n] ' +
  '[--minutes m] [--clients n] [--seed n] [--no-write]\n' +
  `defaults: ${Object.entries({
    orders: DEFAULT_SOAK.orders,
    backlog: DEFAULT_SOAK.backlog,
    batches: DEFAULT_SOAK.batches,
    approvals: DEFAULT_SOAK.approvals,
    operations: DEFAULT_SOAK.operations,
    minutes: DEFAULT_SOAK.minutes,
    clients: DEFAULT_SOAK.clients,
  })
    .map(([k, v]) => `--${k} ${v}`)
    .join(' ')}`;

const COUNTS = ['orders', 'backlog', 'batches', 'approvals', 'operations', 'clients', 'seed'] as const;

export function parseSoakArgs(argv: readonly string[]): SoakArgs {
  const args: SoakArgs = { write: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): number => {
      const text = argv[++i];
      const n = Number(text);
      if (text === undefined || !Number.isFinite(n) || n < 0)
        throw new Error(`${arg} needs a number of 0 or more, not "${text ?? ''}".\n${USAGE}`);
      return n;
    };
    const name = arg.slice(2);
    if (arg === '--no-write') args.write = false;
    else if (arg === '--minutes') {
      const minutes = value();
      if (minutes <= 0 || minutes > 120)
        throw new Error(`--minutes must be above 0 and at most 120.\n${USAGE}`);
      args.minutes = minutes;
    } else if ((COUNTS as readonly string[]).includes(name)) {
      const n = value();
      if (!Number.isInteger(n) || n > 10_000)
        throw new Error(`${arg} must be a whole number up to 10000.\n${USAGE}`);
      args[name as (typeof COUNTS)[number]] = n;
    } else throw new Error(`Unknown option ${arg}.\n${USAGE}`);
  }
  if (args.clients === 0) throw new Error(`--clients must be 1 or more.\n${USAGE}`);
  return args;
}
