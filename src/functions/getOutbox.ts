import { app, type HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { getRepositories } from '../data/repositories';
import { guarded, json, validated } from '../http/responses';

const OutboxQuerySchema = z.strictObject({
  kind: z
    .enum([
      'OrderConfirmation',
      'ApprovalRequest',
      'ApprovalApproved',
      'ApprovalRejected',
      'ApprovalTimeout',
      'OperationFailed',
    ])
    .optional(),
});

/**
 * GET /api/outbox?kind=…, admin level: the notifications a mail service would send. Approval
 * requests carry their one-time link, so only the master key reads them (locally, anyone).
 */
export async function getOutbox(request: HttpRequest) {
  const query = validated(OutboxQuerySchema, Object.fromEntries(request.query.entries()));
  if (!query.ok) return query.response;
  return guarded(async () => {
    const { outbox } = await getRepositories();
    const messages = await outbox.list(query.value.kind);
    const view = messages
      .map(({ id, kind, to, subject, body, link, createdAt }) => ({
        id,
        kind,
        to,
        subject,
        body,
        link,
        createdAt,
      }))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return json(200, { messages: view });
  });
}

app.http('GetOutbox', { route: 'outbox', methods: ['GET'], authLevel: 'admin', handler: getOutbox });
