/** Every business limit in one place, so schemas, docs and tests agree. */
export const ORDER_MIN_ITEMS = 1;
export const ORDER_MAX_ITEMS = 100;
export const ITEM_MIN_QUANTITY = 1;
export const ITEM_MAX_QUANTITY = 1_000;
export const UNIT_PRICE_MAX = 1_000_000;
export const BATCH_MIN_ITEMS = 1;
export const BATCH_MAX_ITEMS = 10_000;
/** Most items per sub-orchestration: bounds each chunk's history to about 2 events per item. */
export const BATCH_CHUNK_SIZE = 100;
/** Fewest items per sub-orchestration (unless the batch is smaller): a chunk costs a few episodes. */
export const BATCH_MIN_CHUNK_SIZE = 10;
/** Most chunks running at once. */
export const BATCH_CHUNK_PARALLELISM = 10;
/** A batch reports progress in at least this many steps (when it has that many items). */
export const BATCH_PROGRESS_STEPS = 10;
export const ID_MAX_LENGTH = 64;
/** A business id plus its workflow prefix or a chunk suffix (`batch-<id>:chunk:<n>`). */
export const INSTANCE_ID_MAX_LENGTH = 100;
export const TEXT_MAX_LENGTH = 500;
/** Most fields in an operation's payload; each key is at most ID_MAX_LENGTH, each text TEXT_MAX_LENGTH. */
export const PAYLOAD_MAX_FIELDS = 50;
/**
 * Largest request body the app reads (2 MiB): a batch of BATCH_MAX_ITEMS items with the longest
 * ids fits. The host's own limit (100 MB on Azure) would let one request hold megabytes of
 * orchestration input in every instance listing.
 */
export const REQUEST_BODY_MAX_BYTES = 2 * 1024 * 1024;
export const APPROVAL_DEFAULT_TIMEOUT_SECONDS = 24 * 60 * 60;
export const APPROVAL_MAX_TIMEOUT_SECONDS = 7 * 24 * 60 * 60;
/**
 * Deepest nesting of objects and arrays accepted in any input (the root counts as one level).
 * The schemas need a few levels; the cap keeps hostile nesting from reaching recursive code (zod,
 * JSON.stringify in the Durable SDK).
 */
export const JSON_MAX_DEPTH = 64;
