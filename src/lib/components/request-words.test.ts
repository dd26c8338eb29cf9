import { describe, expect, it } from 'vitest';
import type { ActivationRequest } from '#domain/model';
import { requestView } from '#domain/approvals/request-view';
import { approvalsText, requestTimeline, statusWord } from './request-words';

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
  requestedAt: '2026-11-26T13:00:00.000Z',
  expiresAt: '2026-11-26T14:00:00.000Z',
  approvalsRequired: 2,
  status: 'PendingApproval',
  decisions: [],
  resolvedAt: null,
  resolvedBy: null,
  history: [{ status: 'PendingApproval', at: '2026-11-26T13:00:00.000Z', by: 'bo' }],
  ...over,
});
const names: Record<string, string> = { bo: 'Bo', cy: 'Cy', di: 'Di' };
const nameOf = (id: string) => names[id] ?? id;
const timeline = (r: ActivationRequest, at: string) =>
  requestTimeline(requestView(r, at).history, r.approvalsRequired, nameOf);

describe('request words', () => {
  it('says every status in plain words, and a lapsed request is Expired before the relay says so', () => {
    expect(statusWord('PendingApproval')).toBe('Pending approval');
    expect(statusWord('Provisioned')).toBe('Approved and active');
    expect(statusWord('Canceled')).toBe('Cancelled');
    expect(requestView(request(), '2026-11-26T13:59:59.999Z').status).toBe('PendingApproval');
    expect(requestView(request(), '2026-11-26T14:00:00.000Z').status).toBe('Expired');
  });

  it('counts distinct approvers against the quorum', () => {
    const approve = (approverId: string) => ({
      approverId,
      decision: 'approve' as const,
      justification: 'ok',
      at: '2026-11-26T13:05:00.000Z',
    });
    const text = (r: ActivationRequest) =>
      approvalsText(requestView(r, r.requestedAt).approvedBy, r.approvalsRequired);
    expect(text(request())).toBe('0 of 2 approvals');
    expect(text(request({ decisions: [approve('cy'), approve('cy')] }))).toBe('1 of 2 approvals');
    expect(text(request({ approvalsRequired: 1 }))).toBe('0 of 1 approval');
  });

  it('tells the story with each reason, the decision before the status it caused', () => {
    const at = '2026-11-26T13:10:00.000Z';
    const denied = request({
      status: 'Denied',
      decisions: [
        {
          approverId: 'cy',
          decision: 'approve',
          justification: 'fine',
          at: '2026-11-26T13:05:00.000Z',
        },
        { approverId: 'di', decision: 'deny', justification: 'not today', at },
      ],
      history: [
        { status: 'PendingApproval', at: '2026-11-26T13:00:00.000Z', by: 'bo' },
        { status: 'Denied', at, by: 'di' },
      ],
      resolvedAt: at,
      resolvedBy: 'di',
    });
    expect(timeline(denied, at).map((i) => [i.text, i.reason])).toEqual([
      ['Bo asked for approval', ''],
      ['Cy approved', 'fine'],
      ['Di denied', 'not today'],
    ]);
    const granted = request({
      status: 'Provisioned',
      approvalsRequired: 1,
      decisions: [{ approverId: 'cy', decision: 'approve', justification: 'go', at }],
      history: [
        { status: 'PendingApproval', at: '2026-11-26T13:00:00.000Z', by: 'bo' },
        { status: 'Granted', at, by: 'cy' },
        { status: 'Provisioned', at, by: 'system' },
      ],
    });
    expect(timeline(granted, at).map((i) => i.text)).toEqual([
      'Bo asked for approval',
      'Cy approved',
      'Approved: 1 of 1 approval given',
      'The role became active',
    ]);
    expect(timeline(request(), '2026-11-26T15:00:00.000Z').at(-1)?.text).toBe(
      'Expired: nobody decided in time',
    );
  });
});
