import { type Container } from '@azure/cosmos';
import { type ApprovalDecision, type CreateApprovalRequest } from '../domain';
import { createOnce } from './createOnce';
import { compareAndSwap, DEFAULT_ETAG_POLICY, type EtagRetryPolicy } from './etagRetry';

export type ApprovalStatus = 'Pending' | ApprovalDecision | 'TimedOut';

export interface ApprovalTaskDoc {
  id: string;
  instanceId: string;
  request: Omit<CreateApprovalRequest, 'timeoutSeconds'>;
  status: ApprovalStatus;
  /** SHA-256 of the one-time token; the token itself exists only in the outbox message. */
  tokenHash?: string;
  deadline?: string;
  comment?: string;
  decidedAt?: string;
  createdAt: string;
}

export type DecideResult =
  | { outcome: 'Decided'; doc: ApprovalTaskDoc }
  | { outcome: 'NotFound' }
  | { outcome: 'AlreadyDecided' | 'TimedOut'; doc: ApprovalTaskDoc };

export class ApprovalRepository {
  constructor(
    private readonly container: Container,
    private readonly policy: EtagRetryPolicy = DEFAULT_ETAG_POLICY,
  ) {}

  create(doc: ApprovalTaskDoc): Promise<{ created: boolean; doc: ApprovalTaskDoc }> {
    return createOnce(this.container, doc, doc.id);
  }

  async get(requestId: string): Promise<ApprovalTaskDoc | undefined> {
    const { resource } = await this.container.item(requestId, requestId).read<ApprovalTaskDoc>();
    return resource;
  }

  /** Sets the token hash and deadline once; later calls keep the first values. */
  open(requestId: string, tokenHash: string, deadline: string): Promise<ApprovalTaskDoc | undefined> {
    return compareAndSwap<ApprovalTaskDoc, ApprovalTaskDoc | undefined>(
      this.container,
      requestId,
      requestId,
      (doc) => {
        if (!doc) return { result: undefined };
        if (doc.tokenHash) return { result: doc };
        const write = { ...doc, tokenHash, deadline };
        return { write, result: write };
      },
      this.policy,
    );
  }

  /**
   * Moves Pending to a final status with If-Match: exactly one caller wins, whether it is an
   * approver or the timeout. Everyone else learns what happened instead.
   */
  settle(
    requestId: string,
    status: ApprovalDecision | 'TimedOut',
    at: string,
    comment?: string,
  ): Promise<DecideResult> {
    return compareAndSwap<ApprovalTaskDoc, DecideResult>(
      this.container,
      requestId,
      requestId,
      (doc) => {
        if (!doc) return { result: { outcome: 'NotFound' } };
        if (doc.status === 'TimedOut') return { result: { outcome: 'TimedOut', doc } };
        if (doc.status !== 'Pending') return { result: { outcome: 'AlreadyDecided', doc } };
        const write: ApprovalTaskDoc = { ...doc, status, decidedAt: at, ...(comment ? { comment } : {}) };
        return { write, result: { outcome: 'Decided', doc: write } };
      },
      this.policy,
    );
  }
}
