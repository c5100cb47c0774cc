import type { Db } from '../adapters/db/database.ts';
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
}

/** The trust capability's services, wired from its stores; app.ts mounts their routes. */
export function createTrust(deps: TrustDeps) {
  const { db, devices, checkPassword, mailer, events, clock, audit } = deps;
  const enrolments = createEnrolmentsStore();
  const factorsStore = createFactorsStore();
  const outcomes = createEnrolmentOutcomes({ db, enrolments, devices, events, clock, audit });
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
      checkPassword,
      events,
      clock,
      audit,
      emailEnabled: mailer.enabled,
    }),
    notMe,
    activity: createActivityService({ db }),
  };
}

export type Trust = ReturnType<typeof createTrust>;
