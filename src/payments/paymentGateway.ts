import { createHash } from 'node:crypto';
import { type Container } from '@azure/cosmos';
import { createOnce } from '../data/createOnce';

/**
 * A simulated card gateway with its own ledger, keyed by idempotency key the way Stripe's is:
 * a repeated request with the same key returns the first response and charges nothing more.
 * Tokens follow Stripe's test tokens, so a declined card is chosen by the card, not a flag.
 */
export interface LedgerEntry {
  id: string;
  idempotencyKey: string;
  kind: 'charge' | 'refund';
  gatewayId: string;
  status: 'succeeded' | 'declined';
  amountCents: number;
  currency: string;
  declineCode?: string;
  chargeId?: string;
  /** Which card a charge used, without the token (as a card gateway's card fingerprint). */
  cardFingerprint?: string;
  createdAt: string;
}

export function cardFingerprint(token: string): string {
  return createHash('sha256').update(`card:${token}`).digest('hex').slice(0, 16);
}

const DECLINES: Record<string, string> = {
  tok_chargeDeclined: 'card_declined',
  tok_chargeDeclinedInsufficientFunds: 'insufficient_funds',
  tok_chargeDeclinedExpiredCard: 'expired_card',
  tok_chargeDeclinedProcessingError: 'processing_error',
  tok_chargeDeclinedFraudulent: 'fraudulent',
};

const APPROVED = new Set([
  'tok_visa',
  'tok_visa_debit',
  'tok_mastercard',
  'tok_amex',
  'tok_discover',
  'tok_jcb',
]);

export function declineCodeFor(token: string): string | undefined {
  if (Object.hasOwn(DECLINES, token)) return DECLINES[token];
  return APPROVED.has(token) ? undefined : 'invalid_payment_method';
}

export class SimulatedPaymentGateway {
  constructor(
    private readonly ledger: Container,
    private readonly latencyMs: number,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  async charge(request: {
    idempotencyKey: string;
    token: string;
    amountCents: number;
    currency: string;
  }): Promise<LedgerEntry> {
    await this.latency();
    const declineCode = declineCodeFor(request.token);
    const entry: LedgerEntry = {
      id: request.idempotencyKey,
      idempotencyKey: request.idempotencyKey,
      kind: 'charge',
      gatewayId: `ch_${request.idempotencyKey}`,
      status: declineCode ? 'declined' : 'succeeded',
      amountCents: request.amountCents,
      currency: request.currency,
      ...(declineCode ? { declineCode } : {}),
      cardFingerprint: cardFingerprint(request.token),
      createdAt: this.now(),
    };
    return (await createOnce(this.ledger, entry, entry.idempotencyKey)).doc;
  }

  async refund(request: {
    idempotencyKey: string;
    chargeId: string;
    amountCents: number;
    currency: string;
  }): Promise<LedgerEntry> {
    await this.latency();
    const entry: LedgerEntry = {
      id: request.idempotencyKey,
      idempotencyKey: request.idempotencyKey,
      kind: 'refund',
      gatewayId: `re_${request.idempotencyKey}`,
      status: 'succeeded',
      amountCents: request.amountCents,
      currency: request.currency,
      chargeId: request.chargeId,
      createdAt: this.now(),
    };
    return (await createOnce(this.ledger, entry, entry.idempotencyKey)).doc;
  }

  /** The gateway's answer for a key, if it ever saw that request (as Stripe's idempotency lookup). */
  async find(idempotencyKey: string): Promise<LedgerEntry | undefined> {
    const { resource } = await this.ledger.item(idempotencyKey, idempotencyKey).read<LedgerEntry>();
    return resource;
  }

  async entries(): Promise<LedgerEntry[]> {
    const { resources } = await this.ledger.items.query<LedgerEntry>('SELECT * FROM c').fetchAll();
    return resources;
  }

  private async latency(): Promise<void> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
  }
}
