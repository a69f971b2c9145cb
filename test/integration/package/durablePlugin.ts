import {
  mountDurableHttpApi,
  type MountedDurableHttpApi,
} from '../../../devhost/durable/client/mountDurableHttpApi';
import type { DurableEngine } from '../../../devhost/durable/engine/DurableEngine';
import { createDurableEngine } from '../../../devhost/durable/engine/createEngine';
import { RealClock } from '../../../devhost/durable/scheduler/RealClock';
import type { DevhostPlugin } from '../../../devhost/startDevhost';

/**
 * The durable engine (memory task hub, real clock) and the Durable HTTP API as a devhost plugin.
 * `devhost start` does not wire them in yet; when it does, this test should use the CLI instead.
 */
export function durablePlugin(): DevhostPlugin {
  let engine: DurableEngine | undefined;
  let mounted: MountedDurableHttpApi | undefined;
  return {
    name: 'durable (package test)',
    triggerTypes: ['orchestrationTrigger', 'activityTrigger', 'entityTrigger'],
    async start(context) {
      const clock = new RealClock();
      engine = createDurableEngine({
        app: context.app,
        hostJson: context.hostJson,
        env: context.env,
        clock,
        log: context.logger,
      });
      engine.start();
      mounted = await mountDurableHttpApi(context, { operations: engine.operations, clock, rpcPort: 0 });
    },
    async stop() {
      await mounted?.close();
      await engine?.stop();
    },
  };
}
