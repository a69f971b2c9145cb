import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseSoakArgs } from '../../../soak/cli';
import { writeBetweenMarkers } from '../../../soak/report';
import { planWorkload, type WorkloadSize } from '../../../soak/workload';

const size: WorkloadSize = {
  orders: 40,
  backlog: 10,
  batches: 3,
  itemsPerBatch: 10,
  approvals: 10,
  operations: 2,
  approvalTimeoutSeconds: 5,
  answeredTimeoutSeconds: 60,
};

describe('the soak plan', () => {
  it('is the same work for the same seed, with every order kind and approval plan, ids unique', () => {
    const a = planWorkload(size, 'run', 7);
    const b = planWorkload(size, 'run', 7);
    expect(a.all().map((w) => w.id)).toEqual(b.all().map((w) => w.id));
    expect(planWorkload(size, 'run', 8).mixed.map((w) => w.id)).not.toEqual(a.mixed.map((w) => w.id));
    const ids = a.all().map((w) => w.instanceId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(40 + 10 + 3 + 10 + 2);
    const kinds = new Set(a.all().flatMap((w) => (w.kind === 'order' ? [w.order] : [])));
    expect([...kinds].sort()).toEqual(['declined', 'limited', 'paid', 'undeliverable']);
    const plans = new Set(a.all().flatMap((w) => (w.kind === 'approval' ? [w.plan] : [])));
    expect([...plans].sort()).toEqual(['approve', 'race', 'reject', 'timeout', 'twice']);
    expect(a.backlog.every((w) => w.order === 'paid')).toBe(true);
  });

  it('expects of each batch the items its products call for', () => {
    const batch = planWorkload(size, 'run', 7).mixed.find((w) => w.kind === 'batch');
    expect(batch).toMatchObject({ succeeded: 8, rejected: 2 });
  });

  it('stocks the limited product for about half its orders, so both outcomes occur', () => {
    const plan = planWorkload(size, 'run', 7);
    const limited = plan.mixed.filter((w) => w.kind === 'order' && w.order === 'limited').length;
    expect(limited).toBeGreaterThan(1);
    expect(plan.limitedStock).toBe(Math.floor(limited / 2));
  });
});

describe('npm run soak arguments', () => {
  it('reads the sizes and bounds, and refuses what it does not know', () => {
    expect(parseSoakArgs([])).toEqual({ write: true });
    expect(parseSoakArgs(['--orders', '50', '--minutes', '2.5', '--no-write'])).toEqual({
      orders: 50,
      minutes: 2.5,
      write: false,
    });
    expect(() => parseSoakArgs(['--orders'])).toThrow(/--orders needs a number/);
    expect(() => parseSoakArgs(['--orders', '1.5'])).toThrow(/whole number/);
    expect(() => parseSoakArgs(['--minutes', '0'])).toThrow(/--minutes must be above 0/);
    expect(() => parseSoakArgs(['--clients', '0'])).toThrow(/--clients must be 1 or more/);
    expect(() => parseSoakArgs(['--forever'])).toThrow(/Unknown option --forever/);
  });
});

describe('the soak report', () => {
  it('replaces only what stands between its markers', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'soak-report-')), 'reliability.md');
    fs.writeFileSync(
      file,
      'intro\n<!-- fuzz:begin -->\nfuzz\n<!-- fuzz:end -->\n<!-- soak:begin -->\nold\n<!-- soak:end -->\nend\n',
    );
    writeBetweenMarkers(file, 'new figures');
    expect(fs.readFileSync(file, 'utf8')).toBe(
      'intro\n<!-- fuzz:begin -->\nfuzz\n<!-- fuzz:end -->\n<!-- soak:begin -->\nnew figures\n<!-- soak:end -->\nend\n',
    );
    fs.writeFileSync(file, 'no markers\n');
    expect(() => writeBetweenMarkers(file, 'x')).toThrow(/has no <!-- soak:begin -->/);
  });
});
