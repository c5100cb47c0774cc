import type { Db } from '../adapters/db/database.ts';
import type { GeoLocator } from '../adapters/geo/geo.ts';
import type { Mailer } from '../adapters/mail/mailer.ts';
import type { PasswordCheck } from '../accounts/password-check.ts';
import type { DevicesStore } from '../devices/devices.store.ts';
import type { Clock } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import type { AuditRecorder } from '../audit/audit.recorder.ts';
import { createActivityService } from './activity.service.ts';
import { createEnrolmentFactors } from './enrolment-factors.service.ts';
import { createEnrolmentOutcomes } from './enrolment-outcomes.ts';
import { createEnrolmentsStore } from './enrolments.store.ts';
import { createFactorsService } from './factors.service.ts';
import { createFactorsStore } from './factors.store.ts';
import { createNotMeService } from './not-me.service.ts';
import { createNotMeStore } from './not-me.store.ts';
import { createTrustService } from './trust.service.ts';
import type { AccountsStore } from '../accounts/accounts.store.ts';
import type { DevicesService } from '../devices/devices.service.ts';
import { createDeviceChallenges } from './passkey-ceremony.ts';
import { createPasskeyEnrolment } from './passkey-enrolment.service.ts';
import { createPasskeySignIn } from './passkey-sign-in.service.ts';
import { createPasskeysService } from './passkeys.service.ts';
import { createPasskeysStore } from './passkeys.store.ts';
import { createEndOtherSessions } from './other-sessions.ts';
import { createPasskeyFailures } from './passkey-failures.ts';
import { relyingPartyFor } from './webauthn.ts';
import { createRecentAuth } from '../devices/recent-auth.ts';
import { createSignInThrottle } from '../devices/sign-in-throttle.ts';
import { createReauthService } from './reauth.service.ts';
import { createWaysIn } from './ways-in.ts';

export interface TrustDeps {
  db: Db;
  devices: DevicesStore;
  checkPassword: PasswordCheck;
  mailer: Mailer;
  events: EventBus;
  clock: Clock;
  audit: AuditRecorder;
  /** Where people open the app, for "This wasn't me" links. */
  publicUrl: string;
  /** The WebAuthn relying party: the configured public URL and RP id, when set (see webauthn.ts). */
  webauthn: { publicUrl?: string | undefined; rpId?: string | undefined };
  /** Places of failed passkey sign-ins, as for failed passwords. */
  geo: GeoLocator;
}

/** The trust capability's services, wired from its stores; app.ts mounts their routes. */
export function createTrust(deps: TrustDeps) {
  const { db, devices, checkPassword, mailer, events, clock, audit } = deps;
  const enrolments = createEnrolmentsStore();
  const factorsStore = createFactorsStore();
  const passkeysStore = createPasskeysStore();
  const challenges = createDeviceChallenges({ db, store: passkeysStore, clock });
  const outcomes = createEnrolmentOutcomes({ db, enrolments, devices, events, clock, audit });
  /** The one re-authentication rule of sensitive actions. */
  const requireRecentAuth = createRecentAuth({ clock, checkPassword });
  const failures = createPasskeyFailures({
    db,
    throttle: createSignInThrottle(),
    geo: deps.geo,
    events,
    clock,
    audit,
  });
  const notMe = createNotMeService({
    db,
    store: createNotMeStore(),
    devices,
    enrolments,
    events,
    clock,
    audit,
    publicUrl: deps.publicUrl,
  });
  return {
    trust: createTrustService({ db, enrolments, devices, events, clock, audit, outcomes }),
    enrolmentFactors: createEnrolmentFactors({
      db,
      enrolments,
      factors: factorsStore,
      outcomes,
      mailer,
      events,
      clock,
      audit,
      notMeLink: (accountId, deviceId) => notMe.link(accountId, deviceId),
    }),
    factors: createFactorsService({
      db,
      factors: factorsStore,
      devices,
      requireRecentAuth,
      events,
      clock,
      audit,
      emailEnabled: mailer.enabled,
    }),
    notMe,
    requireRecentAuth,
    reauth: createReauthService({
      db,
      devices,
      factors: factorsStore,
      checkPassword,
      throttle: createSignInThrottle(),
      clock,
      audit,
    }),
    activity: createActivityService({ db }),
    passkeys: createPasskeysService({
      db,
      store: passkeysStore,
      requireRecentAuth,
      endOtherSessions: createEndOtherSessions({ devices, events, clock, audit }),
      challenges,
      events,
      clock,
      audit,
    }),
    passkeyEnrolment: createPasskeyEnrolment({
      db,
      store: passkeysStore,
      challenges,
      outcomes,
      failures,
      factors: factorsStore,
      clock,
      emailEnabled: mailer.enabled,
    }),
    /** How a new device could be let in without a trusted device (the devices service guards against lock-out). */
    waysIn: createWaysIn({ factors: factorsStore, passkeys: passkeysStore, emailEnabled: mailer.enabled }),
    /** Passkey sign-in opens sessions through the devices service, which is built after this module. */
    passkeySignIn: (more: { accounts: AccountsStore; openSession: DevicesService['openSession'] }) =>
      createPasskeySignIn({
        db,
        store: passkeysStore,
        devices,
        enrolments,
        outcomes,
        failures,
        clock,
        ...more,
      }),
    relyingParty: relyingPartyFor(deps.webauthn),
  };
}

export type Trust = ReturnType<typeof createTrust>;
