/**
 * devhost's public API: start a host in-process, with the durable plugin, and its logger.
 * Tests use `devhost/testing`; the command line is `devhost` (`dist/main.js`).
 */
export {
  startDevhost,
  type Devhost,
  type DevhostOptions,
  type DevhostPlugin,
  type PluginContext,
} from './startDevhost';
export { durablePlugin, type DurablePlugin, type DurablePluginOptions } from './durable/engine/durablePlugin';
export { createLogger, type Logger, type LoggerOptions, type LogRecord, type LogFormat } from './log/logger';
export type { Clock } from './clock/clock';
