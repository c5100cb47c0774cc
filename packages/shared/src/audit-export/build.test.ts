// How an export is assembled from any transport: every page of events, a checkpoint covering them (waiting for the
// signer), proofs for the covered events only, every leaf, and progress along the way. The real server and the
// offline check are exercised end to end by packages/cli/test/audit-export.e2e.test.ts and the web's browser test.
import { describe, expect, it } from 'vitest';
import {
  buildAuditExport,
  type ExportApi,
  type ExportProgress,
  type ExportRequestOptions,
  type WitnessedCheckpoints,
} from './build.ts';
import type { SeenCheckpoint } from './format.ts';

const EVENTS = 2500;
const seen = (size: number): SeenCheckpoint => ({
  size,
  root: `root${size}`,
  note: `note${size}`,
  seenAt: 'now',
});

/** A fake server of EVENTS events, all the account's, at seq 0..EVENTS-1; it records every request. */
function fakeServer() {
  const calls: { method: string; path: string; options: ExportRequestOptions }[] = [];
  const api: ExportApi = {
    server: 'https://photos.example',
    request<T>(method: 'GET' | 'POST', path: string, options: ExportRequestOptions = {}): Promise<T> {
      calls.push({ method, path, options });
      const q = options.query ?? {};
      const answer = (): unknown => {
        if (path === '/audit/events') {
          const from = q['cursor'] === undefined ? 0 : Number(q['cursor']) + 1;
          const to = Math.min(EVENTS, from + Number(q['limit']));
          const items = Array.from({ length: to - from }, (_, i) => ({
            seq: from + i,
            kind: 'photo.uploaded',
            event: `{"seq":${from + i}}`,
            salt: 's',
            leaf: `leaf${from + i}`,
          }));
          return { items, cursor: to < EVENTS ? String(to - 1) : null, hasMore: to < EVENTS };
        }
        if (path === '/audit/key') return { accountId: 'acc', key: 'k' };
        if (path === '/audit/witnessed')
          return {
            items: [
              { ...seen(50), deviceId: 'phone' },
              { ...seen(EVENTS), deviceId: 'laptop' },
              { ...seen(EVENTS + 1000), deviceId: 'phone' },
            ],
          };
        if (path === '/evidence/entries') {
          const { seqs, size } = options.json as { seqs: number[]; size: number };
          return { size, items: seqs.map((seq) => ({ seq, proof: [`p${seq}@${size}`] })) };
        }
        if (path === '/audit/leaves') {
          const count = Number(q['to']) - Number(q['from']);
          return { leaves: Array.from({ length: count }, (_, i) => `L${Number(q['from']) + i}`) };
        }
        throw new Error(`unexpected ${method} ${path}`);
      };
      return Promise.resolve(answer() as T);
    },
  };
  return { api, calls };
}

describe('buildAuditExport', () => {
  it('pages everything, waits for a checkpoint covering every event, and reports progress', async () => {
    const { api, calls } = fakeServer();
    // The signer lags: the first two checkpoints do not cover the last events yet.
    const sizes = [EVENTS - 10, EVENTS - 1, EVENTS + 3];
    const earlier = seen(100);
    let witnessCalls = 0;
    const witness = (): Promise<WitnessedCheckpoints> => {
      const latest = seen(sizes[Math.min(witnessCalls++, sizes.length - 1)] ?? 0);
      return Promise.resolve({ verifierKey: 'vkey', latest, seen: [earlier, latest] });
    };
    const progress: ExportProgress[] = [];
    const slept: number[] = [];
    const doc = await buildAuditExport(api, witness, {
      onProgress: (p) => progress.push(p),
      sleep: (ms) => {
        slept.push(ms);
        return Promise.resolve();
      },
    });

    expect(witnessCalls).toBe(3);
    expect(slept).toEqual([200, 200]);
    expect(doc).toMatchObject({
      format: 'shoebox-audit-export/1',
      server: 'https://photos.example',
      verifierKey: 'vkey',
      accountId: 'acc',
      key: 'k',
      checkpoint: seen(EVENTS + 3),
      checkpoints: [earlier, seen(EVENTS + 3)],
      // Those the account's devices reported, up to the export's head (the offline check recomputes their roots).
      deviceCheckpoints: [
        { ...seen(50), deviceId: 'phone' },
        { ...seen(EVENTS), deviceId: 'laptop' },
      ],
    });
    expect(doc.events.map((e) => e.seq)).toEqual(Array.from({ length: EVENTS }, (_, i) => i));
    expect(doc.events[7]?.proof).toEqual([`p7@${EVENTS + 3}`]);
    expect(doc.leaves).toEqual(Array.from({ length: EVENTS + 3 }, (_, i) => `L${i}`));

    const entries = calls.filter((c) => c.path === '/evidence/entries');
    expect(entries.map((c) => (c.options.json as { seqs: number[] }).seqs.length)).toEqual([1000, 1000, 500]);
    expect(calls.filter((c) => c.path === '/audit/events')).toHaveLength(3);
    expect(calls.filter((c) => c.path === '/audit/leaves').map((c) => c.options.query)).toEqual([
      { from: 0, to: EVENTS + 3 },
    ]);

    const steps = progress.map((p) => p.step);
    expect(steps.indexOf('checkpoint')).toBeGreaterThan(steps.lastIndexOf('events'));
    expect(steps.indexOf('proofs')).toBeGreaterThan(steps.lastIndexOf('checkpoint'));
    expect(steps.indexOf('leaves')).toBeGreaterThan(steps.lastIndexOf('proofs'));
    expect(progress.filter((p) => p.step === 'events').map((p) => p.done)).toEqual([1000, 2000, 2500]);
    expect(progress.at(-1)).toEqual({ step: 'leaves', done: EVENTS + 3, total: EVENTS + 3 });
  });

  it('gives up waiting after a while and leaves events the checkpoint does not cover without proofs', async () => {
    const { api, calls } = fakeServer();
    const latest = seen(EVENTS - 5);
    let witnessCalls = 0;
    const doc = await buildAuditExport(
      api,
      () => {
        witnessCalls++;
        return Promise.resolve({ verifierKey: 'vkey', latest, seen: [latest] });
      },
      { sleep: () => Promise.resolve() },
    );
    expect(witnessCalls).toBe(16);
    expect(doc.events.at(-1)?.proof).toEqual([]);
    expect(doc.events.at(-6)?.proof).toEqual([`p${EVENTS - 6}@${EVENTS - 5}`]);
    expect(doc.leaves).toHaveLength(EVENTS - 5);
    const asked = calls
      .filter((c) => c.path === '/evidence/entries')
      .flatMap((c) => (c.options.json as { seqs: number[] }).seqs);
    expect(Math.max(...asked)).toBe(EVENTS - 6);
  });
});
