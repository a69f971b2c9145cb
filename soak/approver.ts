/**
 * The approvers: they read their approval requests from the outbox (the app's mailbox) and answer
 * through the one-time link, each as its plan says: approve, reject, approve and reject at once
 * (two approvers racing), approve twice, or never answer (the deadline decides). An answer that
 * got no response, or a 5xx, is sent again.
 */
import type { OutboxRepository } from '../src/data/outboxRepository';
import { send, transient, type Answer } from './client';
import type { ApprovalWork } from './workload';

type Decision = 'Approved' | 'Rejected';

export interface Submission {
  decision: Decision;
  /** Every answer to this approver's request, in order. */
  answers: (number | 'network')[];
  final?: Answer;
}

export interface DecisionRecord {
  work: ApprovalWork;
  submissions: Submission[];
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Approvers {
  readonly records = new Map<string, DecisionRecord>();
  private readonly waiting = new Map<string, ApprovalWork>();
  private readonly running: Promise<void>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly deadline: number,
  ) {}

  /** Approvals whose request is out; those planned to time out are left alone. */
  expect(work: ApprovalWork): void {
    if (work.plan !== 'timeout') this.waiting.set(work.id, work);
  }

  start(): void {
    const tick = (): void => {
      this.polling = this.poll()
        .catch(() => undefined) // Cosmos restarting: the next poll reads again
        .then(() => {
          if (this.timer) this.timer = setTimeout(tick, 300);
        });
    };
    this.timer = setTimeout(tick, 300);
  }

  /** Stops reading the outbox once every expected request was answered (or the deadline passed). */
  async finish(): Promise<void> {
    while (this.waiting.size > 0 && Date.now() < this.deadline) await pause(300);
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
    await Promise.all(this.running);
  }

  get unanswered(): string[] {
    return [...this.waiting.keys()];
  }

  private async poll(): Promise<void> {
    if (this.waiting.size === 0) return;
    const requests = await this.outbox.list('ApprovalRequest');
    for (const message of requests) {
      const id = message.id.slice('ApprovalRequest:'.length);
      const work = this.waiting.get(id);
      if (!work || !message.link) continue;
      this.waiting.delete(id);
      this.running.push(this.answer(work, message.link));
    }
  }

  private async answer(work: ApprovalWork, link: string): Promise<void> {
    const record: DecisionRecord = { work, submissions: [] };
    this.records.set(work.id, record);
    const submit = async (decision: Decision): Promise<void> => {
      const submission: Submission = { decision, answers: [] };
      record.submissions.push(submission);
      for (let attempt = 1; ; attempt++) {
        const answer = await send(link, 'POST', { decision });
        submission.answers.push(answer.status);
        submission.final = answer;
        if (!transient(answer) || Date.now() > this.deadline) return;
        await pause(Math.min(2_000, 200 * attempt));
      }
    };
    if (work.plan === 'approve') await submit('Approved');
    else if (work.plan === 'reject') await submit('Rejected');
    else if (work.plan === 'race') await Promise.all([submit('Approved'), submit('Rejected')]);
    else if (work.plan === 'twice') {
      await submit('Approved');
      await submit('Approved');
    }
  }
}
