/** Every scenario, in the order they run and are reported. */
import { batch10k, batch1k, orders } from './orderApp';
import { dashboard } from './dashboard';
import { entities, events, status } from './hub';
import type { Scenario } from './types';
import { fanOut10k, fanOut1k, hello, hello50, sequenceScenario } from './workflows';

export const SCENARIOS: readonly Scenario[] = [
  hello,
  sequenceScenario,
  fanOut1k,
  fanOut10k,
  hello50,
  events,
  entities,
  status,
  orders,
  batch1k,
  batch10k,
  dashboard,
];

export function findScenario(name: string): Scenario {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario) {
    throw new Error(`No scenario "${name}"; the scenarios are ${SCENARIOS.map((s) => s.name).join(', ')}.`);
  }
  return scenario;
}

export * from './types';
