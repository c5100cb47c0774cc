import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Album, Device, Photo, Problem } from '@shoebox/shared';
import { DIALECTS } from './support/databases.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { SoftwareAuthenticator, addPasskey } from './support/software-authenticator.ts';
import {
  PASSWORD,
  TestClient,
  adminSession,
  distinctCopy,
  expectProblem,
  filesUnder,
  originalPath,
  pendingSession,
  userSession,
  waitUntil,
  type Reply,
  type SignedIn,
} from './support/api.ts';
import { corpusFile, readManifest } from './support/corpus.ts';
import { connectLive } from './support/live-socket.ts';

interface Operation {
  method: string;
  /** As the document names it, without the `/api` server prefix: `/photos/{id}`. */
  path: string;
  tags: string[];
  secured: boolean;
  hasBody: boolean;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { tags?: string[]; security?: unknown[]; requestBody?: unknown }>>;
}

/** The ids of one account's things, as a route names them. */
interface Ids {
  photo: string;
  album: string;
  device: string;
  /** A sign-in request of a device waiting for approval. */
  enrolment: string;
  passkey: string;
  /** One of the account's sessions (`DELETE /sessions/{id}` would end it). */
  session: string;
}

/**
 * Every route that takes an id, with the kind of id it takes and, when it has one, a body that would succeed
 * for the owner. The test fails when the API has a route with a path parameter that is not in this table.
 */
const ID_ROUTES: Record<string, { id: keyof Ids; body?: (target: Ids, caller: Ids) => unknown }> = {
  'GET /photos/{id}': { id: 'photo' },
  'DELETE /photos/{id}': { id: 'photo' },
  'GET /photos/{id}/original': { id: 'photo' },
  'GET /photos/{id}/preview': { id: 'photo' },
  'GET /photos/{id}/thumbnail': { id: 'photo' },
  'POST /photos/{id}/trash': { id: 'photo' },
  'POST /photos/{id}/restore': { id: 'photo' },
  'GET /albums/{id}': { id: 'album' },
  'PATCH /albums/{id}': { id: 'album', body: () => ({ name: 'Taken over' }) },
  'DELETE /albums/{id}': { id: 'album' },
  'GET /albums/{id}/photos': { id: 'album' },
  'POST /albums/{id}/photos': { id: 'album', body: (_target, caller) => ({ photoIds: [caller.photo] }) },
  'DELETE /albums/{id}/photos': { id: 'album', body: (target) => ({ photoIds: [target.photo] }) },
  'GET /albums/{id}/members': { id: 'album' },
  'POST /albums/{id}/members': { id: 'album', body: () => ({ email: 'b@example.com', role: 'view' }) },
  'DELETE /albums/{id}/members/{accountId}': { id: 'album' },
  'GET /devices/{id}': { id: 'device' },
  'DELETE /devices/{id}': { id: 'device' },
  'DELETE /sessions/{id}': { id: 'session' },
  'GET /sync/deliveries/{photoId}': { id: 'photo' },
  'POST /enrolments/{id}/allow': { id: 'enrolment' },
  'POST /enrolments/{id}/deny': { id: 'enrolment' },
  'GET /photos/{id}/provenance': { id: 'photo' },
  'POST /account/passkeys/{id}/remove': { id: 'passkey', body: () => ({ password: PASSWORD }) },
};

/**
 * Routes keyed by something other than an id the caller's account owns (a serial, another account): only staff may
 * use them on others, so a plain account is refused alike for any value, existing or not (fleet.test.ts covers
 * staff). Another account's id is answered like one that does not exist.
 */
const STAFF_ROUTES: Record<
  string,
  { value: (a: SignedIn) => string; madeUp?: string; body?: unknown; status?: 404 }
> = {
  'GET /fleet/accounts/{accountId}/devices': { value: (a) => a.account.id, status: 404 },
  'GET /fleet/devices/{serial}/history': { value: () => 'SN-NOT-YOURS-1' },
  'POST /fleet/imports/{kind}': {
    value: () => 'shipments',
    madeUp: 'sales',
    body: new TextEncoder().encode('serial,model,batch,ship_date,shipped_to\nSN-1,X,1,2026-01-01,Shop\n'),
  },
  'PUT /admin/accounts/{id}/role': { value: (a) => a.account.id, body: { role: 'support' } },
  'POST /admin/accounts/{id}/disable': { value: (a) => a.account.id },
  'POST /admin/accounts/{id}/enable': { value: (a) => a.account.id },
  'DELETE /admin/accounts/{id}': { value: (a) => a.account.id, body: { reason: 'Taking over' } },
  'DELETE /admin/invites/{id}': { value: () => 'a'.repeat(64), madeUp: 'b'.repeat(64) },
  'POST /admin/jobs/{id}/retry': { value: () => '1', madeUp: '999999' },
};

/** Library routes that take a body: what the owner's trusted device could send successfully. */
const LIBRARY_BODIES: Record<string, (own: Ids & { sha256: string }) => unknown> = {
  'POST /photos': () => new Uint8Array(fs.readFileSync(corpusFile(PENDING_UPLOAD))),
  'POST /photos/exists': (own) => ({ sha256: [own.sha256] }),
  'POST /albums': () => ({ name: 'From an unapproved device' }),
  'PATCH /albums/{id}': () => ({ name: 'Renamed by an unapproved device' }),
  'POST /albums/{id}/photos': (own) => ({ photoIds: [own.photo] }),
  'DELETE /albums/{id}/photos': (own) => ({ photoIds: [own.photo] }),
  'POST /albums/{id}/members': () => ({ email: 'b@example.com', role: 'view' }),
};
const LIBRARY_TAGS = ['photos', 'albums'];
const PENDING_UPLOAD = 'cameras/casio-ex-z3.jpg';
const NOBODY: Ids = {
  photo: '01a22222-0000-7000-8000-000000000000',
  album: '01a22222-0000-7000-8000-000000000001',
  device: '01a22222-0000-7000-8000-000000000002',
  enrolment: '01a22222-0000-7000-8000-000000000003',
  passkey: '01a22222-0000-7000-8000-000000000004',
  session: '01a22222-0000-7000-8000-000000000005',
};

const routeName = (op: Pick<Operation, 'method' | 'path'>) => `${op.method} ${op.path}`;
const fillPath = (template: string, id: string) => `/api${template.replace(/\{[^}]+\}/g, id)}`;

/**
 * The only secured routes a device that waits for approval may use (issue 4 req. 1: it can wait for approval,
 * cancel, or complete a second factor, and nothing else). Each entry says why; every other secured route must
 * refuse it with `device_pending`.
 */
const PENDING_ALLOWED: Record<string, string> = {
  // Waiting: the device shows who it is signed in as and that it waits (the sign-in screen polls this).
  'GET /me': 'whoami: the waiting screen shows the account and the device status, nothing of the library',
  'GET /auth/enrolment': 'its own enrolment status: pending, let in, denied or expired',
  // Cancelling: signing out ends the waiting session and its request.
  'POST /auth/sign-out': 'cancel: gives up the attempt and ends its own session',
  // Completing: the 6-digit code shown on a trusted device, or a second factor of the account.
  'POST /auth/enrolment/complete': 'enters the 6-digit code a trusted device showed on Allow',
  'GET /auth/enrolment/ways': 'lists the second factors it may use (code, TOTP, e-mail, passkey)',
  'POST /auth/enrolment/verify': 'second factor: a TOTP or recovery code of the account',
  'POST /auth/enrolment/email-code': 'second factor: asks for a code by e-mail to the account address',
  'POST /auth/enrolment/passkey/options': 'second factor: the challenge for a passkey of the account',
  'POST /auth/enrolment/passkey': 'second factor: lets itself in with a passkey of the account',
};

/** Bodies the owner's trusted device could send (so a refusal is the pending check, not validation). */
const PENDING_BODIES: Record<string, (own: Ids & { sha256: string }, owner: SignedIn) => unknown> = {
  ...LIBRARY_BODIES,
  'PUT /admin/signup-policy': () => ({ signupPolicy: 'open' }),
  'POST /admin/invites': () => ({ email: 'invited-by-pending@example.com' }),
  'PUT /admin/accounts/{id}/role': () => ({ role: 'support' }),
  'DELETE /admin/accounts/{id}': () => ({ reason: 'Taking over', password: PASSWORD }),
  'POST /account/password': () => ({ currentPassword: PASSWORD, newPassword: 'a-brand-new-password-77' }),
  'DELETE /account': () => ({ password: PASSWORD }),
  'POST /account/email': () => ({ newEmail: 'taken-over@example.com', password: PASSWORD }),
  'POST /account/email/confirm': () => ({ code: '12345678' }),
  'POST /sync/ack': () => ({ cursor: '1', kind: 'changes', count: 0 }),
  'POST /sync/originals': (own) => ({ ids: [own.photo] }),
  'POST /account/totp': () => ({ password: PASSWORD }),
  'POST /account/totp/confirm': () => ({ code: '123456' }),
  'POST /account/totp/remove': () => ({ password: PASSWORD }),
  'POST /account/recovery-codes': () => ({ password: PASSWORD }),
  'POST /security/not-me': (_own, owner) => ({ deviceId: owner.deviceId }),
  'POST /session/reauth': () => ({ password: PASSWORD }),
  'POST /account/passkeys/options': () => ({ password: PASSWORD }),
  'POST /account/passkeys': () => ({
    credential: { id: 'made-up', rawId: 'made-up', type: 'public-key', response: {} },
  }),
  'POST /account/passkeys/{id}/remove': () => ({ password: PASSWORD }),
  'POST /audit/alarms': () => ({
    problem: 'rolled-back',
    detail: 'test',
    earlier: null,
    later: 'not a note',
  }),
  'POST /audit/witnessed': () => ({ note: 'not a note' }),
  'POST /evidence/entries': () => ({ seqs: [0], size: 1 }),
  'POST /fleet/imports/{kind}': () => STAFF_ROUTES['POST /fleet/imports/{kind}']?.body,
};

/** Query strings that routes need to get past validation. */
const PENDING_QUERIES: Record<string, string> = {
  'GET /admin/accounts/lookup': '?email=a%40example.com',
  'GET /audit/proofs/inclusion': '?seq=0&size=1',
  'GET /audit/proofs/consistency': '?from=1&to=1',
  'GET /audit/leaves': '?from=0&to=1',
};

/** Routes the review named: they must be in the loop below (not allowlisted, not missing from the API). */
const PENDING_MUST_REFUSE = [
  'POST /enrolments/{id}/allow',
  'POST /enrolments/{id}/deny',
  'GET /enrolments',
  'GET /sync/snapshot',
  'POST /sync/originals',
  'POST /sync/ack',
  'GET /sync/state',
  'GET /sync/deliveries/{photoId}',
  'GET /sync/changes',
  'GET /explain',
  'POST /evidence/entries',
  'GET /audit/checkpoint',
  'GET /audit/events',
  'GET /audit/key',
  'GET /audit/leaves',
  'GET /audit/proofs/inclusion',
  'GET /audit/proofs/consistency',
  'POST /audit/alarms',
  'POST /audit/witnessed',
  'GET /audit/witnessed',
  'GET /activity',
  'GET /devices',
  'GET /devices/{id}',
  'DELETE /devices/{id}',
  // A device credential lets its holder sign in again without approval: never to a device still waiting.
  'POST /devices/me/credential',
  'POST /security/not-me',
];

describe.each(DIALECTS)('authorization on %s', (dialect) => {
  let server: TestServer;
  let a: SignedIn;
  let b: SignedIn;
  let pending: SignedIn;
  let aIds: Ids & { sha256: string };
  let bIds: Ids;
  let operations: Operation[];

  /** A's waiting sign-in requests, where the API has them. */
  async function enrolmentsOfA(): Promise<unknown> {
    if (!operations.some((op) => routeName(op) === 'GET /enrolments')) return null;
    const reply = await a.client.get<{ items: { id: string }[] }>('/api/enrolments');
    expect(reply.status).toBe(200);
    return reply.body;
  }

  /** Everything of A's that another caller could try to read, change or delete. */
  async function snapshotOfA() {
    const photo = await a.client.get<Photo>(`/api/photos/${aIds.photo}`);
    const original = await a.client.get(`/api/photos/${aIds.photo}/original`);
    const album = await a.client.get<Album>(`/api/albums/${aIds.album}`);
    const members = await a.client.get(`/api/albums/${aIds.album}/photos`);
    const devices = await a.client.get<{ items: Device[] }>('/api/devices');
    const timeline = await a.client.get<{ items: Photo[] }>('/api/photos?limit=1000');
    const trashed = await a.client.get<{ items: Photo[] }>('/api/photos?limit=1000&status=trashed');
    const albums = await a.client.get<{ items: Album[] }>('/api/albums');
    return {
      statuses: [photo, original, album, members, devices, timeline].map((r) => r.status),
      photo: photo.body,
      original: (original.body as Buffer).toString('base64'),
      album: album.body,
      members: members.body,
      devices: devices.body.items.map(({ id, name, status }) => ({ id, name, status })),
      timeline: timeline.body.items.map((p) => p.id),
      trashed: trashed.body.items.map((p) => p.id),
      albums: albums.body.items,
      enrolments: await enrolmentsOfA(),
    };
  }

  async function send(
    client: TestClient,
    op: Pick<Operation, 'method' | 'path'>,
    id: string,
    body?: unknown,
  ) {
    return client.call(op.method, fillPath(op.path, id), body);
  }

  let before: Awaited<ReturnType<typeof snapshotOfA>>;

  beforeAll(async () => {
    server = await startTestServer(dialect, { config: { mediaWorkers: 0 } });
    a = await adminSession(server.url, 'a@example.com');
    b = await userSession(server.url, a.client, 'b@example.com');
    pending = await pendingSession(server.url, 'a@example.com');

    const aPhoto = await a.client.uploadOk(corpusFile('cameras/gopro-hero6-8x8.jpg'));
    const aAlbum = (await a.client.post<Album>('/api/albums', { name: "A's album" })).body;
    await a.client.post(`/api/albums/${aAlbum.id}/photos`, { photoIds: [aPhoto.id] });
    const bPhoto = await b.client.uploadOk(corpusFile('cameras/sony-dsc-f828-8x8.jpg'));
    const bAlbum = (await b.client.post<Album>('/api/albums', { name: "B's album" })).body;
    bIds = {
      photo: bPhoto.id,
      album: bAlbum.id,
      device: b.deviceId,
      enrolment: NOBODY.enrolment,
      passkey: NOBODY.passkey,
      session: b.response.session.id,
    };
    const aPasskey = await addPasskey(a.client, new SoftwareAuthenticator(server.url), 'A key');

    const doc = await new TestClient(server.url).get<OpenApiDocument>('/api/openapi.json');
    expect(doc.status).toBe(200);
    operations = Object.entries(doc.body.paths).flatMap(([route, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase(),
        path: route,
        tags: op.tags ?? [],
        secured: (op.security?.length ?? 0) > 0,
        hasBody: op.requestBody !== undefined,
      })),
    );
    const waiting = (await enrolmentsOfA()) as { items: { id: string }[] } | null;
    const enrolment = waiting?.items[0]?.id ?? NOBODY.enrolment;
    aIds = {
      photo: aPhoto.id,
      album: aAlbum.id,
      device: a.deviceId,
      enrolment,
      passkey: aPasskey.id,
      session: a.response.session.id,
      sha256: aPhoto.sha256,
    };
    before = await snapshotOfA();
  });
  afterAll(() => server.close());

  it('has a case for every route of the API that takes an id, and none for routes that do not exist', () => {
    const withIds = operations.filter((op) => op.path.includes('{')).map(routeName);
    expect(withIds.length).toBeGreaterThanOrEqual(15);
    expect(
      withIds.filter((route) => !(route in ID_ROUTES) && !(route in STAFF_ROUTES)),
      'routes without a case',
    ).toEqual([]);
    expect(
      [...Object.keys(ID_ROUTES), ...Object.keys(STAFF_ROUTES)].filter((route) => !withIds.includes(route)),
      'cases without a route',
    ).toEqual([]);
  });

  it("answers another account's ids exactly like ids that do not exist: 404", async () => {
    for (const op of operations.filter((o) => o.path.includes('{'))) {
      const route = routeName(op);
      const spec = ID_ROUTES[route];
      if (!spec) continue; // reported by the coverage test above
      expect(aIds[spec.id], `${route}: A has no ${spec.id} to try`).not.toBe(NOBODY[spec.id]);
      const body = spec.body?.(aIds, bIds);
      const foreign = await send(b.client, op, aIds[spec.id], body);
      const problem = expectProblem(foreign, 404, 'not_found');
      const missing = expectProblem(
        await send(b.client, op, NOBODY[spec.id], spec.body?.(NOBODY, bIds)),
        404,
      );
      const { status, code, title, detail } = missing;
      expect(
        { status: problem.status, code: problem.code, title: problem.title, detail: problem.detail },
        route,
      ).toEqual({ status, code, title, detail });
    }
  });

  it("sends none of another account's originals in a batch: they are gone, like ids that do not exist", async () => {
    const reply = await b.client.post<Buffer>('/api/sync/originals', { ids: [aIds.photo, NOBODY.photo] });
    expect(reply.status).toBe(200);
    expect(reply.body.toString('utf8')).toBe(
      `${JSON.stringify({ id: aIds.photo, error: 'gone' })}\n${JSON.stringify({ id: NOBODY.photo, error: 'gone' })}\n`,
    );
  });

  it('refuses staff-only routes to a plain account, alike for existing and made-up values', async () => {
    for (const op of operations.filter((o) => routeName(o) in STAFF_ROUTES)) {
      const spec = STAFF_ROUTES[routeName(op)];
      if (!spec) continue;
      const headers: Record<string, string> =
        spec.body instanceof Uint8Array ? { 'content-type': 'text/csv' } : {};
      const call = (value: string) => b.client.call(op.method, fillPath(op.path, value), spec.body, headers);
      const code = spec.status === 404 ? 'not_found' : 'forbidden';
      const real = expectProblem(await call(spec.value(a)), spec.status ?? 403, code);
      const madeUp = expectProblem(await call(spec.madeUp ?? NOBODY.device), spec.status ?? 403, code);
      expect(real.detail, routeName(op)).toBe(madeUp.detail);
    }
  });

  it("will not put another account's photo into an album, or take it out of one", async () => {
    const add = await b.client.post(`/api/albums/${bIds.album}/photos`, { photoIds: [aIds.photo] });
    expectProblem(add, 404, 'not_found');
    const remove = await b.client.call('DELETE', `/api/albums/${bIds.album}/photos`, {
      photoIds: [aIds.photo],
    });
    expect(remove.status).toBe(200);
    expect(
      (await b.client.get<{ photoIds: string[] }>(`/api/albums/${bIds.album}/photos`)).body.photoIds,
    ).toEqual([]);
  });

  it('records an audit alarm only in the reporting account: nobody can put one in another’s activity', async () => {
    const report = { problem: 'rolled-back', detail: 'test', earlier: null, later: 'not a note' };
    const reply = await b.client.post<{ seq: number; earlierSigned: boolean }>('/api/audit/alarms', {
      ...report,
      accountId: a.account.id,
    });
    expect(reply.status).toBe(201);
    expect(reply.body.earlierSigned).toBe(false);
    const kinds = async (who: SignedIn) =>
      (await who.client.get<{ items: { id: string; kind: string }[] }>('/api/activity')).body.items
        .filter((i) => i.kind === 'audit.alarm')
        .map((i) => i.id);
    expect(await kinds(b)).toEqual([String(reply.body.seq)]);
    expect(await kinds(a)).toEqual([]);
  });

  it('keeps a witnessed checkpoint only for the reporting device and account, and only one the log signed', async () => {
    const { note, size } = (await b.client.get<{ note: string; size: number }>('/api/audit/checkpoint')).body;
    const reply = await b.client.post<{ deviceId: string; size: number }>('/api/audit/witnessed', {
      note,
      accountId: a.account.id,
      deviceId: a.deviceId,
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ deviceId: b.deviceId, size });
    type Listed = { items: { deviceId: string; size: number }[] };
    const listed = async (who: SignedIn) => (await who.client.get<Listed>('/api/audit/witnessed')).body.items;
    expect(await listed(b)).toEqual([expect.objectContaining({ deviceId: b.deviceId, size, note })]);
    expect((await listed(a)).filter((w) => w.deviceId === b.deviceId)).toEqual([]);
    const forged = note.replace(/\n\d+\n/, `\n${size + 1}\n`);
    expectProblem(await b.client.post('/api/audit/witnessed', { note: forged }), 400, 'bad_request');
    expect(await listed(b)).toHaveLength(1);
  });

  it('lets only an admin run the full audit log verification', async () => {
    expect(operations.map(routeName)).toContain('POST /admin/audit/verify');
    expectProblem(await b.client.post('/api/admin/audit/verify'), 403, 'forbidden');
    expectProblem(await pending.client.post('/api/admin/audit/verify'), 403, 'device_pending');
    const run = await a.client.post<{ ok: boolean; size: number }>('/api/admin/audit/verify');
    expect(run.status).toBe(200);
    expect(run.body.ok).toBe(true);
    expect(run.body.size).toBeGreaterThan(0);
  });

  it('refuses every secured route without a token, or with a token that is not one', async () => {
    const secured = operations.filter((op) => op.secured);
    expect(secured.length).toBeGreaterThanOrEqual(25);
    const anonymous = new TestClient(server.url);
    const forged = new TestClient(server.url, 'not-a-real-token');
    const revoked = await userSession(server.url, a.client, 'c@example.com');
    expect((await revoked.client.post('/api/auth/sign-out')).status).toBe(204);
    for (const op of secured) {
      const body = op.hasBody ? {} : undefined;
      for (const client of [anonymous, forged, revoked.client]) {
        expectProblem(await send(client, op, aIds.photo, body), 401, 'unauthenticated');
      }
      const viaQuery = await anonymous.call(
        op.method,
        `${fillPath(op.path, aIds.photo)}?access_token=forged`,
        body,
      );
      expectProblem(viaQuery, 401, 'unauthenticated');
    }
    expectProblem(await anonymous.get('/api/no-such-route'), 404, 'not_found');
  });

  it('lets a device that waits for approval do nothing in the library, and keeps nothing it sends', async () => {
    const library = operations.filter((op) => op.tags.some((t) => LIBRARY_TAGS.includes(t)));
    expect(library.length).toBeGreaterThanOrEqual(19);
    const uploadSha = readManifest().find((row) => row.path === PENDING_UPLOAD)?.sha256 ?? '';
    for (const op of library) {
      const route = routeName(op);
      const body = LIBRARY_BODIES[route];
      expect(!op.hasBody || body !== undefined, `${route} needs a body in LIBRARY_BODIES`).toBe(true);
      const id = op.path.includes('{') ? aIds[ID_ROUTES[route]?.id ?? 'photo'] : '';
      const reply: Reply = await send(pending.client, op, id, body?.(aIds));
      expect(reply.status, route).toBe(403);
      expectProblem(reply, 403, 'device_pending');
    }
    expect(fs.existsSync(originalPath(server.dataDir, uploadSha))).toBe(false);
    expect(filesUnder(path.join(server.dataDir, 'tmp', 'uploads'))).toEqual([]);
    const rows = await server.database.db
      .selectFrom('photos')
      .select('id')
      .where('sha256', '=', uploadSha)
      .execute();
    expect(rows).toEqual([]);
  });

  it('lets a device of the admin’s that waits for approval do no admin or staff work', async () => {
    // The admin's password alone must not open other accounts: every admin and fleet route, and creating an
    // account past the sign-up policy, answers device_pending to the admin's unapproved device.
    const staff = operations.filter((op) => /^\/(admin|fleet)\//.test(op.path));
    expect(staff.length).toBeGreaterThanOrEqual(17);
    const bodies: Record<string, unknown> = {
      'PUT /admin/signup-policy': { signupPolicy: 'open' },
      'POST /admin/invites': { email: 'invited@example.com' },
    };
    for (const op of staff) {
      const route = routeName(op);
      const staffRoute = STAFF_ROUTES[route];
      const body = bodies[route] ?? staffRoute?.body;
      expect(!op.hasBody || body !== undefined, `${route} needs a body here`).toBe(true);
      const query =
        route === 'GET /admin/accounts/lookup' ? `?email=${encodeURIComponent(b.account.email)}` : '';
      const path = `${fillPath(op.path, staffRoute?.value(b) ?? '')}${query}`;
      const headers: Record<string, string> =
        body instanceof Uint8Array ? { 'content-type': 'text/csv' } : {};
      const reply: Reply = await pending.client.call(op.method, path, body, headers);
      expect(reply.status, route).toBe(403);
      expectProblem(reply, 403, 'device_pending');
    }
    const created = await pending.client.post('/api/accounts', {
      email: 'made-by-a-pending-device@example.com',
      password: 'correct horse battery staple 9',
      role: 'admin',
    });
    expectProblem(created, 403, 'device_pending');
    const policy = await a.client.get<{ signupPolicy: string }>('/api/server');
    expect(policy.body.signupPolicy).toBe('closed');
  });

  it('lets a device that waits for approval use only its own enrolment routes: all others are device_pending', async () => {
    // `pending` is a real device of A's: the right password, from an installation A never trusted. Ids are A's
    // own: its waiting request (allow/deny would be self-approval), its trusted device, photo, album, passkey.
    expect(aIds.enrolment).not.toBe(NOBODY.enrolment);
    const secured = operations.filter((op) => op.secured);
    const names = secured.map(routeName);
    expect(
      Object.keys(PENDING_ALLOWED).filter((route) => !names.includes(route)),
      'stale allowlist',
    ).toEqual([]);
    const refused = secured.filter((op) => !(routeName(op) in PENDING_ALLOWED));
    expect(PENDING_MUST_REFUSE.filter((route) => !refused.map(routeName).includes(route))).toEqual([]);
    const answers: Record<string, string> = {};
    for (const op of refused) {
      const route = routeName(op);
      const body = PENDING_BODIES[route]?.(aIds, a);
      expect(!op.hasBody || body !== undefined, `${route} needs a body in PENDING_BODIES`).toBe(true);
      const staff = STAFF_ROUTES[route];
      const id = staff ? staff.value(b) : aIds[ID_ROUTES[route]?.id ?? 'photo'];
      const headers: Record<string, string> =
        staff?.body instanceof Uint8Array ? { 'content-type': 'text/csv' } : {};
      const url = `${fillPath(op.path, id)}${PENDING_QUERIES[route] ?? ''}`;
      const reply = await pending.client.call<Problem>(op.method, url, body, headers);
      const type = reply.headers.get('content-type') ?? '';
      answers[route] = `${reply.status} ${reply.body.code ?? ''} ${type.split(';')[0] ?? ''}`;
    }
    const expected = '403 device_pending application/problem+json';
    expect(answers).toEqual(Object.fromEntries(refused.map((op) => [routeName(op), expected])));
    // The allowlisted reads answer it (the rest are exercised by the trust and factor tests).
    for (const path of ['/api/me', '/api/auth/enrolment', '/api/auth/enrolment/ways'])
      expect((await pending.client.get(path)).status, path).toBe(200);
    const still = await a.client.get<{ items: { id: string; status: string }[] }>('/api/devices');
    expect(still.body.items.find((d) => d.id === pending.deviceId)?.status).toBe('pending');
  });

  it('sends no live change hints to a device that waits for approval', async () => {
    const trustedSocket = await connectLive(server.url, a.response.token);
    const pendingSocket = await connectLive(server.url, pending.response.token);
    try {
      const uploaded = await a.client.uploadOk(distinctCopy(corpusFile(PENDING_UPLOAD), 'live-hint'));
      await waitUntil(() => trustedSocket.messages.some((m) => JSON.stringify(m).includes(uploaded.id)));
      // The hint went out; give the pending socket the same chance to (wrongly) get it.
      await new Promise((r) => setTimeout(r, 300));
      expect(pendingSocket.messages.filter((m) => m.type !== 'hello')).toEqual([]);
      // Not even the greeting says where the feed stands (a reconnect would tell it the library changed).
      const hellos = pendingSocket.messages.filter((m) => m.type === 'hello');
      expect(hellos).toEqual([{ type: 'hello', deviceId: pending.deviceId, cursor: null }]);
      const trustedHello = trustedSocket.messages.find((m) => m.type === 'hello') as
        { cursor?: unknown } | undefined;
      expect(typeof trustedHello?.cursor).toBe('string');
      await a.client.call('DELETE', `/api/photos/${uploaded.id}`);
    } finally {
      trustedSocket.socket.close();
      pendingSocket.socket.close();
    }
  });

  it('lets the members of a shared album do exactly what their right allows, and nobody else anything', async () => {
    const owner = await userSession(server.url, a.client, 'owner@example.com');
    const viewer = await userSession(server.url, a.client, 'viewer@example.com');
    const contributor = await userSession(server.url, a.client, 'contributor@example.com');
    const revoked = await userSession(server.url, a.client, 'revoked@example.com');
    const jpeg = corpusFile('cameras/gopro-hero6-8x8.jpg');
    const inAlbum = await owner.client.uploadOk(distinctCopy(jpeg, 'shared'));
    const notInAlbum = await owner.client.uploadOk(distinctCopy(jpeg, 'private'));
    const contributed = await contributor.client.uploadOk(distinctCopy(jpeg, 'contributed'));
    const viewerOwn = await viewer.client.uploadOk(distinctCopy(jpeg, 'viewer'));
    const album = (await owner.client.post<Album>('/api/albums', { name: 'Shared' })).body;
    const albumPath = `/api/albums/${album.id}`;
    await owner.client.post(`${albumPath}/photos`, { photoIds: [inAlbum.id] });
    for (const [who, role] of [
      ['viewer', 'view'],
      ['contributor', 'contribute'],
      ['revoked', 'view'],
    ]) {
      const granted = await owner.client.post(`${albumPath}/members`, { email: `${who}@example.com`, role });
      expect(granted.status).toBe(201);
    }
    const revoke = await owner.client.call('DELETE', `${albumPath}/members/${revoked.account.id}`);
    expect(revoke.status).toBe(204);
    const add = await contributor.client.post(`${albumPath}/photos`, { photoIds: [contributed.id] });
    expect(add.status).toBe(200);
    const state = async () => ({
      album: (await owner.client.get(albumPath)).body,
      photos: (await owner.client.get(`${albumPath}/photos`)).body,
      members: (await owner.client.get(`${albumPath}/members`)).body,
    });
    const before = await state();

    // Members read the album and its photos, and nothing else of the owner's library.
    for (const member of [viewer, contributor]) {
      for (const path of [
        albumPath,
        `${albumPath}/photos`,
        `${albumPath}/members`,
        `/api/photos/${inAlbum.id}`,
        `/api/photos/${inAlbum.id}/original`,
      ])
        expect((await member.client.get(path)).status, path).toBe(200);
      for (const path of [
        `/api/photos/${notInAlbum.id}`,
        `/api/photos/${notInAlbum.id}/original`,
        `/api/photos/${notInAlbum.id}/thumbnail`,
        `/api/sync/deliveries/${notInAlbum.id}`,
      ])
        expectProblem(await member.client.get(path), 404, 'not_found');
      expectProblem(await member.client.post(`/api/photos/${inAlbum.id}/trash`), 404, 'not_found');
      expectProblem(await member.client.call('DELETE', `/api/photos/${inAlbum.id}`), 404, 'not_found');
    }

    // For a stranger and a revoked member the album and its photos do not exist: answered like unknown ids.
    const missing = expectProblem(await b.client.get(`/api/albums/${NOBODY.album}`), 404);
    for (const outsider of [b, revoked]) {
      const attempts: [string, string, unknown?][] = [
        ['GET', albumPath],
        ['GET', `${albumPath}/photos`],
        ['GET', `${albumPath}/members`],
        ['PATCH', albumPath, { name: 'Taken over' }],
        ['DELETE', albumPath],
        ['POST', `${albumPath}/photos`, { photoIds: [inAlbum.id] }],
        ['DELETE', `${albumPath}/photos`, { photoIds: [inAlbum.id] }],
        ['POST', `${albumPath}/members`, { email: 'b@example.com', role: 'view' }],
        ['DELETE', `${albumPath}/members/${viewer.account.id}`],
      ];
      for (const [method, path, body] of attempts) {
        const problem = expectProblem(await outsider.client.call(method, path, body), 404, 'not_found');
        expect(problem.detail, `${method} ${path}`).toBe(missing.detail);
      }
      for (const variant of ['', '/original', '/thumbnail', '/preview'])
        expectProblem(await outsider.client.get(`/api/photos/${inAlbum.id}${variant}`), 404, 'not_found');
    }

    // Rights: a viewer changes nothing; a contributor adds and takes out its own photos only.
    const refused: [SignedIn, string, string, unknown?][] = [
      [viewer, 'POST', `${albumPath}/photos`, { photoIds: [viewerOwn.id] }],
      [viewer, 'DELETE', `${albumPath}/photos`, { photoIds: [inAlbum.id] }],
      [viewer, 'PATCH', albumPath, { name: 'Viewer was here' }],
      [viewer, 'DELETE', albumPath],
      [viewer, 'POST', `${albumPath}/members`, { email: 'b@example.com', role: 'view' }],
      [viewer, 'DELETE', `${albumPath}/members/${contributor.account.id}`],
      [contributor, 'DELETE', `${albumPath}/photos`, { photoIds: [inAlbum.id] }],
      [contributor, 'DELETE', `${albumPath}/photos`, { photoIds: [contributed.id, inAlbum.id] }],
      [contributor, 'PATCH', albumPath, { name: 'Contributor was here' }],
      [contributor, 'DELETE', albumPath],
      [contributor, 'POST', `${albumPath}/members`, { email: 'b@example.com', role: 'contribute' }],
      [contributor, 'DELETE', `${albumPath}/members/${viewer.account.id}`],
    ];
    for (const [who, method, path, body] of refused)
      expectProblem(await who.client.call(method, path, body), 403, 'forbidden');
    const notTheirs = await contributor.client.post(`${albumPath}/photos`, { photoIds: [notInAlbum.id] });
    expectProblem(notTheirs, 404, 'not_found');
    expect(await state()).toEqual(before);

    // A member's snapshot holds its own photos and the album's, nothing else of the owner's.
    const snapshot = await viewer.client.get<Buffer>('/api/sync/snapshot');
    const lines = snapshot.body
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; photo?: Photo });
    expect(lines.flatMap((l) => (l.photo ? [l.photo.id] : [])).sort()).toEqual(
      [inAlbum.id, contributed.id, viewerOwn.id].sort(),
    );
    const takeOut = await contributor.client.call('DELETE', `${albumPath}/photos`, {
      photoIds: [contributed.id],
    });
    expect(takeOut.status).toBe(200);
  });

  it('lets only a trusted session re-authenticate itself, with its own password', async () => {
    expectProblem(
      await pending.client.post('/api/session/reauth', { password: PASSWORD }),
      403,
      'device_pending',
    );
    expectProblem(
      await b.client.post('/api/session/reauth', { password: 'the-password-of-somebody-else' }),
      401,
      'invalid_credentials',
    );
    expect((await b.client.post('/api/session/reauth', { password: PASSWORD })).status).toBe(200);
  });

  it("lets only a trusted session change its own e-mail address, and never to another account's", async () => {
    const body = { newEmail: 'somebody-new@example.com', password: PASSWORD };
    const waiting = await pendingSession(server.url, b.account.email);
    expectProblem(await waiting.client.post('/api/account/email', body), 403, 'device_pending');
    expectProblem(
      await waiting.client.post('/api/account/email/confirm', { code: '12345678' }),
      403,
      'device_pending',
    );
    expectProblem(
      await b.client.post('/api/account/email', { ...body, newEmail: a.account.email }),
      409,
      'email_taken',
    );
    expectProblem(
      await b.client.post('/api/account/email', { ...body, password: 'the-password-of-somebody-else' }),
      401,
      'invalid_credentials',
    );
    // Without SMTP the change is immediate; it is B's own account that changes, and only B's.
    const changed = await b.client.post<{ email: string }>('/api/account/email', body);
    expect(changed.status).toBe(200);
    expect((await a.client.get<{ account: { email: string } }>('/api/me')).body.account.email).toBe(
      a.account.email,
    );
    expect((await b.client.get<{ account: { email: string } }>('/api/me')).body.account.email).toBe(
      body.newEmail,
    );
    const back = await b.client.post('/api/account/email', { ...body, newEmail: b.account.email });
    expect(back.status).toBe(200);
  });

  it("leaves A's photos, albums and devices exactly as they were", async () => {
    expect(await snapshotOfA()).toEqual(before);
    expect(before.statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(before.members).toMatchObject({ photoIds: [aIds.photo] });
    expect(before.devices).toContainEqual({ id: a.deviceId, name: 'test-device', status: 'trusted' });
  });
});
