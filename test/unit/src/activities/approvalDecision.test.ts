import { InvocationContext } from '@azure/functions';
import { ReadApprovalDecision } from '../../../../src/activities/readApprovalDecision';
import { SendApprovalRequest } from '../../../../src/activities/sendApprovalRequest';
import { type Repositories, useRepositories } from '../../../../src/data/repositories';
import { startTestCosmos, type TestCosmos } from '../support/cosmosServer';

let cosmos: TestCosmos;
let repos: Repositories;
const ctx = new InvocationContext({ functionName: 'test' });

beforeAll(async () => {
  cosmos = await startTestCosmos();
  repos = cosmos.repositories();
  useRepositories(repos);
});
afterAll(async () => {
  useRepositories(undefined);
  await cosmos.close();
});

describe('the approval workflow reads the decision from the approval task', () => {
  it('ReadApprovalDecision reports Pending until SubmitApproval settles, then the recorded decision', async () => {
    await repos.approvals.create({
      id: 'read-1',
      instanceId: 'approval-read-1',
      request: {
        requestId: 'read-1',
        requestedBy: 'a@example.com',
        approver: 'b@example.com',
        subject: 'Buy',
      },
      status: 'Pending',
      createdAt: '2030-01-01T00:00:00.000Z',
    });
    const read = () =>
      ReadApprovalDecision.invoke({ requestId: 'read-1', instanceId: 'approval-read-1' }, ctx);
    expect(await read()).toEqual({ status: 'Pending' });
    await repos.approvals.settle('read-1', 'Rejected', '2030-01-01T00:05:00.000Z', 'too dear');
    expect(await read()).toEqual({
      status: 'Rejected',
      decidedAt: '2030-01-01T00:05:00.000Z',
      comment: 'too dear',
    });
    await expect(
      ReadApprovalDecision.invoke({ requestId: 'read-1', instanceId: 'approval-evil' }, ctx),
    ).rejects.toThrow(/belongs to workflow approval-read-1/);
  });

  it('SendApprovalRequest sends no link for a workflow started under another instance id', async () => {
    await repos.approvals.create({
      id: 'read-2',
      instanceId: 'approval-read-2',
      request: {
        requestId: 'read-2',
        requestedBy: 'a@example.com',
        approver: 'b@example.com',
        subject: 'Buy',
      },
      status: 'Pending',
      createdAt: '2030-01-01T00:00:00.000Z',
    });
    await expect(
      SendApprovalRequest.invoke(
        { requestId: 'read-2', instanceId: 'evil-2', deadline: '2030-01-02T00:00:00.000Z' },
        ctx,
      ),
    ).rejects.toThrow(/belongs to workflow approval-read-2/);
    expect(await repos.outbox.get('ApprovalRequest:read-2')).toBeUndefined();
  });
});
