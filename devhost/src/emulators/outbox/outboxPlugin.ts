/**
 * The outbox viewer as a devhost plugin: `GET /_devhost/outbox` lists the documents (with the
 * master key when keys are enforced: approval links in it are one-time credentials), and each new
 * document is printed in the log as it is written.
 */
import { httpErrors, sendError } from '../../http/errors';
import type { Logger } from '../../log/logger';
import type { DevhostPlugin } from '../../plugins/types';
import type { DisposableLike } from '../../worker/types';
import { createOutboxHandler, OUTBOX_PATH, type OutboxHandler } from './outboxHandler';
import { formatOutboxDocument, watchOutbox, type OutboxTarget, type OutboxWatcher } from './outboxWatcher';

export function outboxPlugin(
  target: OutboxTarget,
  logger: Logger,
  options: { watch?: boolean } = {},
): DevhostPlugin {
  let watcher: OutboxWatcher | undefined;
  let handler: OutboxHandler | undefined;
  let mount: DisposableLike | undefined;
  return {
    name: 'outbox',
    triggerTypes: [],
    start: (context) => {
      const outbox = createOutboxHandler(target);
      handler = outbox;
      mount = context.mountHttp(OUTBOX_PATH, async (req, res, request) => {
        if (!context.keys.check('admin', { headers: req.headers, url: request.url })) {
          req.resume();
          sendError(
            res,
            { ...httpErrors.unauthorized, emptyBody: false },
            'The outbox viewer needs the master key.',
          );
          return;
        }
        if (!(await outbox.handle(req, res))) sendError(res, httpErrors.routeNotFound);
      });
      if (options.watch !== false) {
        watcher = watchOutbox({
          ...target,
          onDocument: (doc) => logger.info(formatOutboxDocument(doc)),
          log: (line) => logger.info(line),
        });
      }
      logger.info(
        `Outbox viewer: new documents in ${target.database}/${target.container} are printed here and listed at ${OUTBOX_PATH}` +
          (context.keys.enforced ? ' (with the master key).' : '.'),
      );
      return Promise.resolve();
    },
    stop: () => {
      mount?.dispose();
      watcher?.stop();
      handler?.close();
      mount = undefined;
      watcher = undefined;
      handler = undefined;
      return Promise.resolve();
    },
  };
}
