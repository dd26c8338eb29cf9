import { describe, expect, it } from 'vitest';
import type { ActivationRequest } from '#domain/model';
import { requestView } from './request-view';

const asked = '2026-11-26T13:00:00.000Z';
const decided = '2026-11-26T13:10:00.000Z';
const request = (over: Partial<ActivationRequest> = {}): ActivationRequest => ({
  id: 'req_act_1',
  assignmentId: 'a_1',
  principalId: 'bo',
  roleId: 'security-reader',
  activationId: 'act_1',
  durationMinutes: 60,
  startsAt: null,
  justification: 'Alert 42',
  ticket: null,
  requestedAt: asked,
  expiresAt: '2026-11-26T14:00:00.000Z',
  approvalsRequired: 2,
  status: 'PendingApproval',
  decisions: [],
  resolvedAt: null,
  resolvedBy: null,
  history: [{ status: 'PendingApproval', at: asked, by: 'bo' }],
  ...over,
});

describe('requestView', () => {
  it('given a pending request, when its lapse time passes, then it reads Expired and its history ends with the lapse', () => {
    expect(requestView(request(), '2026-11-26T13:59:59.999Z').status).toBe('PendingApproval');
    const lapsed = requestView(request(), '2026-11-26T14:00:00.000Z');
    expect(lapsed.status).toBe('Expired');
    expect(lapsed.history.at(-1)).toEqual({ kind: 'lapsed', at: '2026-11-26T14:00:00.000Z' });
  });

  it('given repeated approvals by one person, then that person counts once, in order', () => {
    const approve = (approverId: string, at: string) => ({
      approverId,
      decision: 'approve' as const,
      justification: 'ok',
      at,
    });
    const view = requestView(
      request({
        decisions: [approve('cy', decided), approve('di', decided), approve('cy', decided)],
      }),
      decided,
    );
    expect(view.approvedBy).toEqual(['cy', 'di']);
  });

  it('given a grant at the instant of the deciding approval, then the decision comes first and a denial is told once', () => {
    const granted = request({
      status: 'Provisioned',
      approvalsRequired: 1,
      decisions: [{ approverId: 'cy', decision: 'approve', justification: 'go', at: decided }],
      history: [
        { status: 'PendingApproval', at: asked, by: 'bo' },
        { status: 'Granted', at: decided, by: 'cy' },
        { status: 'Provisioned', at: decided, by: 'system' },
      ],
    });
    expect(requestView(granted, decided).history.map((h) => h.kind)).toEqual([
      'asked',
      'decision',
      'status',
      'status',
    ]);
    const denied = request({
      status: 'Denied',
      decisions: [{ approverId: 'di', decision: 'deny', justification: 'no', at: decided }],
      history: [
        { status: 'PendingApproval', at: asked, by: 'bo' },
        { status: 'Denied', at: decided, by: 'di' },
      ],
    });
    expect(requestView(denied, decided).history).toEqual([
      { kind: 'asked', at: asked, by: 'bo' },
      { kind: 'decision', at: decided, by: 'di', decision: 'deny', reason: 'no' },
    ]);
  });
});
