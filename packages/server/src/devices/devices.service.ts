import { createHash, randomUUID } from 'node:crypto';
import type { Device, DeviceDescription, Place, Session, SignInResponse } from '@shoebox/shared';
import type { Db, Queryable, Tx } from '../adapters/db/database.ts';
import type { AccountRow, DeviceRow, SessionClient, SessionRow } from '../adapters/db/schema.ts';
import type { GeoLocator } from '../adapters/geo/geo.ts';
import { normaliseEmail, toAccount } from '../accounts/accounts.service.ts';
import type { AccountsStore } from '../accounts/accounts.store.ts';
import type { PasswordHasher } from '../accounts/passwords.ts';
import { AppError, notFound } from '../errors.ts';
import type { Clock } from '../platform/clock.ts';
import { iso } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import { newId, newSecret } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import type { DevicesStore } from './devices.store.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';
import { actorOf, auditPlace, endedSessionEntries, type AuditRecorder } from '../audit/audit.recorder.ts';
import { assessSignIn, CONCURRENT_WINDOW_MS, RECENT_SIGN_INS, type RiskFlag } from '../trust/risk.ts';
import { expiryAt, initialExpiry } from './session-lifetime.ts';
import { issueCredential, provesDevice, type IssuedCredential } from './device-credential.ts';

export interface DevicesServiceDeps {
  db: Db;
  store: DevicesStore;
  accounts: AccountsStore;
  hasher: PasswordHasher;
  geo: GeoLocator;
  events: EventBus;
  clock: Clock;
  /** Opens an approval request for a device that is not trusted yet (inside the sign-in transaction). */
  enrolment: EnrolmentOpener;
  throttle: SignInThrottle;
  audit: AuditRecorder;
  /** How a new device of the account could be let in without a trusted device (second factors, e-mail codes). */
  waysIn: (db: Queryable, accountId: string) => Promise<string[]>;
}

export type EnrolmentOpener = {
  open(
    trx: Tx,
    input: {
      account: AccountRow;
      device: DeviceRow;
      session: SessionRow;
      ip: string | null;
      place: string | null;
    },
  ): Promise<() => void>;
};

/** Bookkeeping writes (last seen) happen at most this often per session. */
const TOUCH_INTERVAL_MS = 60_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function createDevicesService(deps: DevicesServiceDeps) {
  const { db, store, accounts, hasher, geo, events, clock, enrolment, throttle, audit } = deps;

  async function signIn(input: {
    email: string;
    password: string;
    device: DeviceDescription;
    ip: string | null;
    /** A browser or a device (CLI, sync agent); browsers' sessions are shorter (see session-lifetime.ts). */
    client?: SessionClient;
    /** The secret the device got when it became trusted (device-credential.ts); without it, it asks again. */
    deviceCredential?: string | undefined;
  }) {
    const email = normaliseEmail(input.email);
    const account = await accounts.findByEmail(db, email);
    const known = account && (await store.findByInstallation(db, account.id, input.device.installationId));
    // The installation id alone is no proof: only a device that shows its credential counts as the trusted one.
    const proven = provesDevice(known, input.deviceCredential);
    const ip = input.ip ?? 'unknown';
    // Checked before the password: a correct password from a blocked source is refused all the same.
    const verdict = await throttle.check(db, {
      email,
      ip,
      trustedDevice: proven,
      now: clock.now(),
    });
    if (!verdict.allowed) {
      const seconds = Math.ceil(verdict.retryAfterMs / 1000);
      throw new AppError('rate_limited', `Too many failed sign-ins; try again in ${seconds} s.`, {
        retryAfterSeconds: seconds,
      });
    }
    const passwordOk = account
      ? await hasher.verify(account.password_hash, input.password)
      : await hasher.verifyDummy(input.password).then(() => false);
    if (!account || !passwordOk) {
      const failures = await db.transaction().execute(async (trx) => {
        const count = await throttle.fail(trx, {
          email,
          ip,
          accountId: account?.id ?? null,
          now: clock.now(),
        });
        // A guess at an address with no account concerns no one's records; the throttle still counts it.
        if (account) {
          await audit.record(trx, {
            accountId: account.id,
            kind: 'sign-in.failed',
            body: {
              ip: input.ip,
              place: auditPlace(geo.locate(input.ip)),
              deviceId: known ? known.id : null,
              factors: ['password'],
              failedFactor: 'password',
              reason: 'wrong-password',
            },
          });
        }
        return count;
      });
      if (account && (failures === 5 || failures % 20 === 0)) {
        events.emit('account.message', {
          accountId: account.id,
          event: 'sign-in.failures',
          data: { consecutive: failures, lastIp: input.ip },
        });
      }
      throw invalidCredentials();
    }
    // After "This wasn't me" the password is presumed known to someone else: only trusted devices get in.
    if (account.password_change_required_at !== null && !proven)
      throw new AppError(
        'password_change_required',
        'This password must be changed before a new device can sign in; change it from a trusted device.',
      );
    await throttle.succeed(db, email, clock.now());
    return openSession(account, input, ['password']);
  }

  /**
   * Everything after the credentials were checked (device, session, enrolment request, audit), shared by password
   * and passkey sign-in. `factors` are the ones presented, as the session and the audit record keep them.
   */
  async function openSession(
    account: AccountRow,
    input: Omit<Parameters<typeof signIn>[0], 'email' | 'password'>,
    factors: string[],
  ): Promise<SignInResponse> {
    // Checked here so that password and passkey sign-in are both refused, after the credential was proved.
    if (account.disabled_at !== null)
      throw new AppError('account_disabled', 'This account is disabled; ask the server’s admin.');
    const now = clock.now();
    const place = geo.locate(input.ip);
    const token = newSecret(256);
    const result = await db.transaction().execute(async (trx) => {
      // First, so that the lookups below see what a racing first sign-in committed while this one waited for it.
      const firstDevice = await isFirstDevice(trx, account.id);
      let device = await store.findByInstallation(trx, account.id, input.device.installationId);
      // A trusted device's installation id without its credential proves nothing: the real device is left alone
      // (its sessions keep working) and the attempt becomes a new device under an id the server chooses.
      const claimed =
        device?.status === 'trusted' && !provesDevice(device, input.deviceCredential) ? device : undefined;
      if (claimed) device = undefined;
      const assessed = await assessRisk(trx, account.id, now, place);
      const riskFlags: RiskFlag[] = claimed ? [...assessed, 'copied-installation-id'] : assessed;
      const described = describe(input.device);
      let issued: IssuedCredential | undefined;
      if (!device) {
        if (firstDevice) issued = issueCredential();
        device = {
          id: newId(now),
          account_id: account.id,
          installation_id: claimed ? randomUUID() : input.device.installationId,
          ...described,
          status: firstDevice ? 'trusted' : 'pending',
          created_at: now,
          trusted_at: firstDevice ? now : null,
          trust_reason: firstDevice ? JSON.stringify({ kind: 'first-device' }) : null,
          last_seen_at: now,
          last_ip: input.ip,
          last_place: json(place),
          removed_at: null,
          risk_flags: JSON.stringify(riskFlags),
          credential_hash: issued?.hash ?? null,
        };
        await store.insertDevice(trx, device);
      } else {
        // Here a trusted device proved itself; a removed or denied one must be let in again, like a new one (an
        // account with a device row is past its first device, whatever became of that device).
        const status = device.status === 'trusted' ? 'trusted' : 'pending';
        const patch = {
          ...described,
          status,
          trusted_at: device.status === 'trusted' ? device.trusted_at : status === 'trusted' ? now : null,
          last_seen_at: now,
          last_ip: input.ip,
          last_place: json(place),
          risk_flags: JSON.stringify(riskFlags),
        } as const;
        await store.updateDevice(trx, device.id, patch);
        if (status === 'trusted') {
          issued = issueCredential();
          // Each trusted sign-in replaces the credential; of two racing sign-ins with the same one, one wins.
          if (!(await store.swapCredential(trx, device.id, device.credential_hash, issued.hash)))
            throw new AppError('conflict', 'This device signed in twice at the same time; sign in again.');
        }
        device = { ...device, ...patch, credential_hash: issued?.hash ?? device.credential_hash };
      }
      const session: SessionRow = {
        id: newId(now),
        account_id: account.id,
        device_id: device.id,
        token_hash: hashToken(token),
        created_at: now,
        expires_at: initialExpiry(input.client ?? 'web', now),
        last_used_at: now,
        ip: input.ip,
        place: json(place),
        factors: JSON.stringify(factors),
        revoked_at: null,
        revoke_reason: null,
        risk_flags: JSON.stringify(riskFlags),
        client: input.client ?? 'web',
        authenticated_at: now,
      };
      await store.insertSession(trx, session);
      const announce =
        device.status === 'pending'
          ? await enrolment.open(trx, { account, device, session, ip: input.ip, place: json(place) })
          : undefined;
      await audit.record(trx, {
        accountId: account.id,
        kind: 'sign-in.succeeded',
        body: {
          ip: input.ip,
          place: auditPlace(place),
          deviceId: device.id,
          sessionId: session.id,
          factors,
          riskFlags,
          ...(claimed ? { claimedDeviceId: claimed.id } : {}),
        },
      });
      return { device, session, announce, riskFlags, issued, claimed };
    });
    result.announce?.();
    if (result.riskFlags.length > 0) {
      events.emit('account.message', {
        accountId: account.id,
        event: 'sign-in.risk',
        data: {
          riskFlags: result.riskFlags,
          device: toDevice(result.device, ''),
          ip: input.ip,
          place,
          at: iso(now),
        },
      });
    }
    if (result.device.status === 'pending') {
      events.emit('device.pending', { accountId: account.id, deviceId: result.device.id });
    }
    const response: SignInResponse = {
      token,
      account: toAccount(account),
      device: toDevice(result.device, result.session.device_id),
      session: toSession(result.session),
      ...(result.issued ? { deviceCredential: result.issued.credential } : {}),
      // The client keeps this id from now on, so that its next sign-in finds its own device.
      ...(result.claimed ? { installationId: result.device.installation_id } : {}),
    };
    return response;
  }

  /**
   * Whether this sign-in brings the account's very first device: the account never had one, whatever became of it.
   * Only that one is trusted without approval. "No trusted device right now" would let the next password sign-in
   * in silently once the owner's devices were all removed, or a refused stranger in after them.
   */
  /**
   * The account's last trusted device may go only when something else can let a new device in: removed with no
   * second factor and no e-mail, the account could never let a device in again.
   */
  async function refuseLockOut(trx: Tx, accountId: string, row: DeviceRow): Promise<void> {
    if (row.status !== 'trusted') return;
    // Two removals at once (each of the other device) must take turns, or both would see the other still trusted.
    await store.lockAccount(trx, accountId);
    const trusted = await store.listDevices(trx, accountId);
    if (trusted.some((d) => d.id !== row.id && d.status === 'trusted')) return;
    // After "This wasn't me" a new device cannot sign in with the password until it is changed on a trusted
    // device, so no second factor could let one in either.
    const account = await deps.accounts.findById(trx, accountId);
    if (account?.password_change_required_at != null)
      throw new AppError(
        'conflict',
        'This is the account’s last trusted device, and since “This wasn’t me” no new device can sign in until the ' +
          'password is changed: change it on this device first.',
      );
    if ((await deps.waysIn(trx, accountId)).length > 0) return;
    throw new AppError(
      'conflict',
      'This is the account’s last trusted device, and nothing else could let a new device in: no authenticator app, ' +
        'passkey or recovery codes, and this server cannot send e-mail. Set up one of these first, or sign out instead.',
    );
  }

  async function isFirstDevice(trx: Tx, accountId: string): Promise<boolean> {
    // Once there is a device row, no later sign-in is the first.
    if (await store.hasDevice(trx, accountId)) return false;
    // Two first sign-ins at once must not both be trusted: the second waits for the first to commit and then sees
    // its device (read committed: every statement sees what committed before it).
    await store.lockAccount(trx, accountId);
    return !(await store.hasDevice(trx, accountId));
  }

  /** The risk signals of a sign-in, against the account's sessions as they were just before it. */
  async function assessRisk(trx: Tx, accountId: string, now: number, place: Place | null) {
    const rows = await store.recentSessions(trx, accountId, RECENT_SIGN_INS, now - CONCURRENT_WINDOW_MS);
    const history = rows.map((r) => ({
      at: r.created_at,
      lastUsedAt: r.last_used_at,
      place: parsePlace(r.place),
      live: r.revoked_at === null && r.expires_at > now,
    }));
    return assessSignIn(history, now, place);
  }

  /** Resolves a bearer token; null when it is unknown, expired, revoked, or its device was removed. */
  async function authenticate(token: string, ip: string | null): Promise<Principal | null> {
    const found = await store.findByTokenHash(db, hashToken(token));
    if (!found) return null;
    const { session, device, account } = found;
    const now = clock.now();
    if (session.revoked_at !== null || session.expires_at <= now) return null;
    if (device.status === 'removed' || device.status === 'denied') return null;
    // Disabling revokes the sessions too; this also covers a session opened while the disable committed.
    if (account.disabled_at !== null) return null;
    if (now - session.last_used_at > TOUCH_INTERVAL_MS) {
      const extendTo = expiryAt(session, now, device.status === 'trusted');
      await store.touchSession(
        db,
        session,
        device,
        now,
        ip,
        extendTo === session.expires_at ? null : extendTo,
      );
    }
    return { session, device, account, ip };
  }

  /** Why a token that `authenticate` refused is refused: an expired session is told apart, to sign in again. */
  async function whyRefused(token: string): Promise<AppError> {
    const found = await store.findByTokenHash(db, hashToken(token));
    const s = found?.session;
    const expired =
      s && (s.revoked_at === null ? s.expires_at <= clock.now() : s.revoke_reason === 'expired');
    if (expired && found.device.status !== 'removed' && found.device.status !== 'denied')
      return new AppError('session_expired', 'This session has expired; sign in again.');
    return new AppError('unauthenticated', 'The session has ended or was revoked; sign in again.');
  }

  return {
    signIn,
    openSession,
    authenticate,
    whyRefused,

    async signOut(actor: Principal): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await store.revokeSession(trx, actor.session.id, clock.now(), 'signed-out');
        await audit.record(trx, {
          accountId: actor.account.id,
          kind: 'session.ended',
          body: { ...actorOf(actor), endedSessionId: actor.session.id, reason: 'signed-out' },
        });
      });
      events.emit('session.revoked', {
        sessionId: actor.session.id,
        deviceId: actor.device.id,
        accountId: actor.account.id,
        reason: 'signed-out',
      });
    },

    whoAmI(actor: Principal) {
      return {
        account: toAccount(actor.account),
        device: toDevice(actor.device, actor.device.id),
        session: toSession(actor.session),
      };
    },

    async list(actor: Principal): Promise<Device[]> {
      requireTrusted(actor);
      const rows = await store.listDevices(db, actor.account.id);
      return rows.map((row) => toDevice(row, actor.device.id));
    },

    async get(actor: Principal, deviceId: string): Promise<Device> {
      requireTrusted(actor);
      const row = await store.findDevice(db, actor.account.id, deviceId);
      if (!row) throw notFound('Device');
      return toDevice(row, actor.device.id);
    },

    /**
     * Gives a device trusted before device credentials existed its credential, while its session still works, so
     * that it can sign in again without approval. Once only: a device that holds one replaces it by signing in.
     */
    async issueCredential(actor: Principal): Promise<{ deviceCredential: string }> {
      requireTrusted(actor);
      const issued = issueCredential();
      const conflict = () => new AppError('conflict', 'This device already holds a credential.');
      if (actor.device.credential_hash !== null) throw conflict();
      await db.transaction().execute(async (trx) => {
        if (!(await store.swapCredential(trx, actor.device.id, null, issued.hash))) throw conflict();
        await audit.record(trx, {
          accountId: actor.account.id,
          kind: 'device.credential-issued',
          body: { ...actorOf(actor), ip: actor.ip },
        });
      });
      return { deviceCredential: issued.credential };
    },

    /** Removes a device: its sessions end at once and it must be let in again to come back. */
    async remove(actor: Principal, deviceId: string): Promise<Device> {
      requireTrusted(actor);
      const now = clock.now();
      const { row, revoked } = await db.transaction().execute(async (trx) => {
        const row = await store.findDevice(trx, actor.account.id, deviceId);
        if (!row) throw notFound('Device');
        await refuseLockOut(trx, actor.account.id, row);
        await store.setStatus(trx, row.id, 'removed', now);
        const revoked = await store.revokeDeviceSessions(trx, row.id, now, 'device-removed');
        await audit.record(trx, {
          accountId: actor.account.id,
          kind: 'device.removed',
          body: { ...actorOf(actor), removedDeviceId: row.id, ip: actor.ip },
        });
        const ended = revoked.map((id) => ({ id, device_id: row.id }));
        await audit.recordMany(
          trx,
          endedSessionEntries(actor.account.id, actorOf(actor), ended, 'device-removed'),
        );
        return { row: { ...row, status: 'removed' as const, removed_at: now }, revoked };
      });
      for (const sessionId of revoked) {
        events.emit('session.revoked', {
          sessionId,
          deviceId,
          accountId: actor.account.id,
          reason: 'device-removed',
        });
      }
      return toDevice(row, actor.device.id);
    },
  };
}

export type DevicesService = ReturnType<typeof createDevicesService>;

/** Library access needs a device the owner trusts; a pending device may only wait. */
export function requireTrusted(actor: Principal): void {
  if (actor.device.status === 'pending') {
    throw new AppError(
      'device_pending',
      'This device is waiting for approval from one of your trusted devices.',
    );
  }
  if (actor.device.status !== 'trusted')
    throw new AppError('device_not_trusted', 'This device is not trusted.');
}

function invalidCredentials(): AppError {
  return new AppError('invalid_credentials', 'The e-mail or password is not correct.');
}

function describe(d: DeviceDescription) {
  return {
    name: d.name,
    model: d.model ?? null,
    os: d.os ?? null,
    app_version: d.appVersion ?? null,
    serial: d.serial ?? null,
  };
}

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

export function parsePlace(text: string | null): Place | null {
  return text ? (JSON.parse(text) as Place) : null;
}

export function toDevice(row: DeviceRow, currentDeviceId: string): Device {
  return {
    id: row.id,
    name: row.name,
    model: row.model,
    os: row.os,
    appVersion: row.app_version,
    serial: row.serial,
    status: row.status,
    firstSignInAt: iso(row.created_at),
    trustedAt: iso(row.trusted_at),
    lastSeenAt: iso(row.last_seen_at),
    lastIp: row.last_ip,
    lastPlace: parsePlace(row.last_place),
    riskFlags: row.risk_flags ? (JSON.parse(row.risk_flags) as RiskFlag[]) : [],
    current: row.id === currentDeviceId,
  };
}

export function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    createdAt: iso(row.created_at),
    expiresAt: iso(row.expires_at),
    ip: row.ip,
    place: parsePlace(row.place),
    factors: JSON.parse(row.factors) as string[],
    client: row.client,
    authenticatedAt: iso(row.authenticated_at),
  };
}
