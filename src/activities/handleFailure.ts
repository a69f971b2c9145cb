import { z } from 'zod';
import { getRepositories } from '../data/repositories';
import { IdSchema } from '../domain';
import { defineActivity } from './defineActivity';

/** Runs when every attempt failed: leaves an operator notice in the outbox, once per operation. */
export const HandleFailure = defineActivity({
  name: 'HandleFailure',
  input: z.strictObject({ operationId: IdSchema, error: z.string().max(2_000) }),
  handler: async ({ operationId, error }): Promise<{ messageId: string }> => {
    const { outbox } = await getRepositories();
    const { doc } = await outbox.add({
      id: `OperationFailed:${operationId}`,
      kind: 'OperationFailed',
      to: 'operations',
      subject: `Operation ${operationId} failed after all retries`,
      body: error,
      createdAt: new Date().toISOString(),
    });
    return { messageId: doc.id };
  },
});
