import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import {
  fromBase64,
  leafHash,
  openCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from '@shoebox/shared/merkle/index';
import { DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import { createRouter, type AppEnv } from '../adapters/http/context.ts';
import { toProblem } from '../adapters/http/problem.ts';
import { AppError } from '../errors.ts';
import { createLogger } from '../platform/logger.ts';
import { createCheckpointer } from './audit.checkpointer.ts';
import { dbFeatures } from '../adapters/db/features.ts';
import { createAuditLog } from './audit.log.ts';
import { auditRoutes } from './audit.routes.ts';
import type * as Api from './audit.schemas.ts';
import { createAuditService } from './audit.service.ts';
import {
  appendBatch,
  deviceCheck,
  openAuditTestDb,
  scanTags,
  trustedPrincipal,
} from './audit.test-support.ts';

const clock = { now: () => Date.now() };

/** Stands in for requireSession: the bearer token is the account id; "pending" is an untrusted device. */
const fakeAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = c.req.header('authorization')?.replace(/^Bearer /, '');
  if (!token) throw new AppError('unauthenticated', 'Sign in first.');
  const principal = trustedPrincipal(token);
  if (token === 'pending') principal.device.status = 'pending';
  c.set('principal', principal);
  await next();
};

describe.each(DIALECTS)('audit API on %s', (dialect) => {
  let db: TestDatabase;
  let dir: string;
  let app: ReturnType<typeof createRouter>;
  const alice = randomUUID();
  const bob = randomUUID();

  async function get<T>(who: string, url: string): Promise<{ status: number; body: T }> {
    const res = await app.request(`/api${url}`, { headers: { authorization: `Bearer ${who}` } });
    return { status: res.status, body: (await res.json()) as T };
  }

  beforeAll(async () => {
    db = await openAuditTestDb(dialect);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoebox-audit-'));
    const log = createAuditLog({ features: dbFeatures(dialect), clock });
    const checkpointer = createCheckpointer({
      db: db.db,
      log: createLogger('silent'),
      signerKeyFile: path.join(dir, 'keys', 'log.key'),
      clock,
    });
    await checkpointer.verifyOnStart();
    await appendBatch(db, log, [alice, bob, null], 50);
    await checkpointer.signNow();
    app = createRouter();
    app.onError((err, c) => {
      const problem = toProblem(err, 'test');
      return c.json(problem, problem.status as 400);
    });
    app.route(
      '/api',
      createRouter().route('/', auditRoutes(createAuditService({ db: db.db, log, checkpointer }), fakeAuth)),
    );
  });
  afterAll(async () => {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lets a device verify each of its events against the signed checkpoint, and only its own', async () => {
    const cp = (await get<Api.AuditCheckpoint>(alice, '/audit/checkpoint')).body;
    expect(openCheckpoint(cp.note, cp.verifierKey).ok).toBe(true);
    const key = fromBase64((await get<Api.AuditKey>(alice, '/audit/key')).body.key);
    const seen: number[] = [];
    let cursor = '';
    for (;;) {
      const page = (await get<Api.AuditEventsPage>(alice, `/audit/events?limit=7${cursor}`)).body;
      for (const item of page.items) {
        const proof = (
          await get<Api.AuditInclusionProof>(alice, `/audit/proofs/inclusion?seq=${item.seq}&size=${cp.size}`)
        ).body;
        expect(deviceCheck(item, key, proof, cp.note, cp.verifierKey)).toBeUndefined();
        seen.push(item.seq);
      }
      if (!page.hasMore) break;
      cursor = `&cursor=${page.cursor}`;
    }
    expect(seen).toEqual([...Array(17).keys()].map((i) => i * 3));
    // The tag scan over all leaves finds exactly the listed events.
    const leaves = (await get<Api.AuditLeavesPage>(alice, `/audit/leaves?from=0&to=${cp.size}`)).body;
    expect(leaves.leaves).toHaveLength(cp.size);
    expect(scanTags(leaves.leaves, 0, key)).toEqual(seen);
    // Bob sees other events and has another key that attributes none of alice's leaves.
    const bobEvents = (await get<Api.AuditEventsPage>(bob, '/audit/events?limit=1000')).body.items;
    expect(bobEvents.map((e) => e.seq).filter((s) => seen.includes(s))).toEqual([]);
    const bobKey = fromBase64((await get<Api.AuditKey>(bob, '/audit/key')).body.key);
    expect(scanTags(leaves.leaves, 0, bobKey)).toEqual(bobEvents.map((e) => e.seq));
    expect(
      scanTags(leaves.leaves, 0, fromBase64((await get<Api.AuditKey>(randomUUID(), '/audit/key')).body.key)),
    ).toEqual([]);
  });

  it('serves consistency proofs and raw leaves that check out', async () => {
    const cp = (await get<Api.AuditCheckpoint>(bob, '/audit/checkpoint')).body;
    const opened = openCheckpoint(cp.note, cp.verifierKey);
    if (!opened.ok) throw new Error(opened.reason);
    const leaves = (await get<Api.AuditLeavesPage>(bob, `/audit/leaves?from=20&to=30`)).body;
    expect([leaves.from, leaves.to, leaves.leaves.length]).toEqual([20, 30, 10]);
    const proof = (await get<Api.AuditInclusionProof>(bob, `/audit/proofs/inclusion?seq=20&size=${cp.size}`))
      .body;
    expect(proof.leaf).toBe(leaves.leaves[0]);
    const leaf = leafHash(fromBase64(proof.leaf));
    expect(
      verifyInclusion(leaf, 20, cp.size, proof.proof.map(fromBase64), opened.checkpoint.rootHash).ok,
    ).toBe(true);
    const consistency = (
      await get<Api.AuditConsistencyProof>(bob, `/audit/proofs/consistency?from=${cp.size}&to=${cp.size}`)
    ).body;
    expect(
      verifyConsistency(
        cp.size,
        cp.size,
        consistency.proof.map(fromBase64),
        opened.checkpoint.rootHash,
        opened.checkpoint.rootHash,
      ).ok,
    ).toBe(true);
  });

  it('answers bad requests and untrusted devices with problems', async () => {
    expect((await get(alice, '/audit/proofs/inclusion?seq=5&size=5000')).status).toBe(400);
    expect((await get(alice, '/audit/proofs/inclusion?seq=5&size=5')).status).toBe(400);
    expect((await get(alice, '/audit/proofs/consistency?from=0&to=5')).status).toBe(400);
    expect((await get(alice, '/audit/leaves?from=0&to=99999')).status).toBe(400);
    expect((await get(alice, '/audit/events?cursor=abc')).status).toBe(400);
    expect((await get('pending', '/audit/key')).status).toBe(403);
    expect((await app.request('/api/audit/checkpoint')).status).toBe(401);
  });
});
