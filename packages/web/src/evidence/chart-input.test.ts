import { describe, expect, it } from 'vitest';
import { chartInput } from './chart-input.ts';
import type { ExplainGroup, ExplainReport, SignInEvidence } from './report-types.ts';

const device = (id: string, name: string) => ({
  id,
  name,
  model: null,
  serial: null,
  status: 'trusted' as const,
  foreign: false,
});
const signIn = (seq: number, at: string, approvalSeq: number | null): SignInEvidence => ({
  sessionId: `s${seq}`,
  at,
  ip: '127.0.0.1',
  place: null,
  factors: ['password'],
  riskFlags: [],
  cite: { seq, kind: 'sign-in.succeeded' },
  enrolment: null,
  approval:
    approvalSeq === null
      ? null
      : {
          by: 'device',
          deviceId: 'laptop',
          deviceName: 'Laptop',
          factor: 'trusted-device',
          at,
          cite: { seq: approvalSeq, kind: 'enrolment.approved' },
        },
});
const upload = (i: number, at: string) => ({
  photoId: `p${i}`,
  sha256: 'x',
  uploadedAt: at,
  ip: null,
  place: null,
  cite: { seq: 100 + i, kind: 'photo.uploaded' },
  deliveredAt: null,
  deliveryCite: null,
});
const group = (over: Partial<ExplainGroup>): ExplainGroup => ({
  origin: 'other-device',
  device: null,
  signIn: null,
  sharedIn: null,
  count: 0,
  first: null,
  last: null,
  places: [],
  photos: [],
  ...over,
});

const report: ExplainReport = {
  accountId: 'a',
  device: device('laptop', 'Laptop'),
  deviceSignIn: signIn(0, '2026-05-01T08:00:00Z', null),
  scope: 'delivered',
  total: 1003,
  groups: [
    group({
      device: device('phone', 'Phone'),
      signIn: signIn(2, '2026-05-02T08:00:00Z', 3),
      count: 1002,
      first: '2026-05-03T08:00:00Z',
      last: '2026-06-30T08:00:00Z',
      photos: [upload(1, '2026-05-03T08:00:00Z'), upload(2, '2026-05-04T08:00:00Z')],
    }),
    group({
      origin: 'this-device',
      device: device('laptop', 'Laptop'),
      count: 1,
      photos: [upload(3, '2026-05-05T08:00:00Z')],
    }),
    group({ origin: 'anomaly', count: 1, photos: [upload(4, '2026-05-06T08:00:00Z')] }),
  ],
  findings: [],
  fleet: null,
  logSize: 200,
};

describe('chartInput', () => {
  const devices = [
    { id: 'tablet', name: 'Tablet', firstSignInAt: '2026-04-01T00:00:00Z' },
    { id: 'phone', name: 'Phone', firstSignInAt: '2026-05-02T08:00:00Z' },
    { id: 'laptop', name: 'Laptop', firstSignInAt: '2026-05-01T08:00:00Z' },
  ];
  const activity = [
    // The phone's sign-in again (same entry as the report's), and a later one the report does not know.
    {
      id: '2',
      at: '2026-05-02T08:00:00Z',
      kind: 'sign-in.succeeded',
      device: { id: 'phone', name: 'Phone' },
      place: null,
    },
    {
      id: '50',
      at: '2026-06-01T08:00:00Z',
      kind: 'sign-in.succeeded',
      device: { id: 'phone', name: 'Phone' },
      place: null,
    },
    {
      id: '51',
      at: '2026-06-02T08:00:00Z',
      kind: 'password.changed',
      device: { id: 'phone', name: 'Phone' },
      place: null,
    },
  ];
  const input = chartInput(report, devices, activity, (p) => p.label);

  it('puts the explained device first, then every device of the account by first sign-in', () => {
    expect(input.lanes.map((l) => l.id)).toEqual(['laptop', 'tablet', 'phone']);
  });

  it('takes each sign-in and approval once, from the report and the activity', () => {
    expect(input.moments.map((m) => [m.seq, m.deviceId, m.kind])).toEqual([
      [0, 'laptop', 'sign-in'],
      [2, 'phone', 'sign-in'],
      [3, 'phone', 'approval'],
      [50, 'phone', 'sign-in'],
    ]);
  });

  it('draws listed uploads on their device, counts the unlisted ones after them, and leaves anomalies off', () => {
    expect(input.uploads).toEqual([
      { deviceId: 'phone', at: Date.parse('2026-05-03T08:00:00Z') },
      { deviceId: 'phone', at: Date.parse('2026-05-04T08:00:00Z') },
      { deviceId: 'laptop', at: Date.parse('2026-05-05T08:00:00Z') },
    ]);
    expect(input.unlisted).toEqual([
      {
        deviceId: 'phone',
        from: Date.parse('2026-05-04T08:00:00Z'),
        to: Date.parse('2026-06-30T08:00:00Z'),
        count: 1000,
      },
    ]);
  });
});
