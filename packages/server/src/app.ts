import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Hono } from 'hono';
import type { Config } from './config.ts';
import type { ClusterBus, DatabaseHandle } from './adapters/db/database.ts';
import type { BlobStore } from './adapters/blobs/blob-store.ts';
import type { GeoLocator } from './adapters/geo/geo.ts';
import { clearStaging } from './adapters/blobs/staging.ts';
import { createRouter, type AppEnv } from './adapters/http/context.ts';
import { requireSession } from './adapters/http/auth.ts';
import { resolveClientIp } from './adapters/http/client-ip.ts';
import { toProblem } from './adapters/http/problem.ts';
import { jsonBodyGuard } from './adapters/http/json-body.ts';
import { AppError } from './errors.ts';
import { mountApiDocs, openApiDocument } from './adapters/http/api-docs.ts';
import { mountWebApp } from './adapters/http/static-web.ts';
import { configureMedia } from './adapters/media/index.ts';
import { createAccountsStore } from './accounts/accounts.store.ts';
import { createAccountsService } from './accounts/accounts.service.ts';
import { accountsRoutes } from './accounts/accounts.routes.ts';
import { createEmailChangeService } from './accounts/email-change.service.ts';
import { createEmailChangeStore } from './accounts/email-change.store.ts';
import { emailChangeRoutes } from './accounts/email-change.routes.ts';
import { createAccountAdminStore } from './accounts/account-admin.store.ts';
import { createAccountAdminService } from './accounts/account-admin.service.ts';
import { accountAdminRoutes } from './accounts/account-admin.routes.ts';
import { createAccountDeletionStore } from './accounts/account-deletion.store.ts';
import { ACCOUNT_DELETION_JOB, createAccountDeletionService } from './accounts/account-deletion.service.ts';
import { createAccountDeletionJob } from './accounts/account-deletion.job.ts';
import { accountDeletionRoutes } from './accounts/account-deletion.routes.ts';
import { createPasswordHasher } from './accounts/passwords.ts';
import { createPasswordCheck } from './accounts/password-check.ts';
import { createDevicesStore } from './devices/devices.store.ts';
import { createDevicesService } from './devices/devices.service.ts';
import { createSignInThrottle } from './devices/sign-in-throttle.ts';
import { devicesRoutes } from './devices/devices.routes.ts';
import { createSessionsService } from './devices/sessions.service.ts';
import { createSessionsStore } from './devices/sessions.store.ts';
import { sessionsRoutes } from './devices/sessions.routes.ts';
import { createSessionExpiry } from './devices/session-expiry.ts';
import { createPhotosStore } from './library/photos.store.ts';
import { createBlobsStore } from './library/blobs.store.ts';
import { createChangesStore } from './library/changes.store.ts';
import { createAlbumsStore } from './library/albums.store.ts';
import { createPhotosService, DERIVATIVES_JOB } from './library/photos.service.ts';
import { createAlbumsService } from './library/albums.service.ts';
import { photosRoutes } from './library/photos.routes.ts';
import { createTimelineService } from './library/timeline.service.ts';
import { createTimelineStore } from './library/timeline.store.ts';
import { timelineRoutes } from './library/timeline.routes.ts';
import { albumsRoutes } from './library/albums.routes.ts';
import { createAlbumMembersStore } from './library/album-members.store.ts';
import { createAlbumFeed } from './library/album-feed.ts';
import { createAlbumSharingService } from './library/album-sharing.service.ts';
import { albumMembersRoutes } from './library/album-members.routes.ts';
import { relayShareHints } from './library/share-hints.ts';
import { recoverInterruptedUploads } from './library/recovery.ts';
import { createDerivativesJob } from './media/derivatives.job.ts';
import { createJobsStore } from './jobs/jobs.store.ts';
import { createJobRunner } from './jobs/job-runner.ts';
import { createJobsService } from './jobs/jobs.service.ts';
import { jobsRoutes } from './jobs/jobs.routes.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { createEventBus, type EventBus } from './platform/events.ts';
import type { Logger } from './platform/logger.ts';
import { createMetrics } from './platform/metrics.ts';
import { VERSION } from './version.ts';
import type { Server } from 'node:http';
import { createFeedStore } from './sync/feed.store.ts';
import { createDeliveriesStore } from './sync/deliveries.store.ts';
import { createSyncService } from './sync/sync.service.ts';
import { syncRoutes } from './sync/sync.routes.ts';
import { createOriginalsService } from './sync/originals.service.ts';
import { createOriginalsStore } from './sync/originals.store.ts';
import { originalsRoutes } from './sync/originals.routes.ts';
import { createPushHub, type PushHub } from './push/push-hub.ts';
import { createHousekeeping } from './jobs/housekeeping.ts';
import { createTrust } from './trust/trust.module.ts';
import { securityRoutes } from './trust/security.routes.ts';
import { passkeysRoutes } from './trust/passkeys.routes.ts';
import { trustRoutes } from './trust/trust.routes.ts';
import { reauthRoutes } from './trust/reauth.routes.ts';
import { createRecentAuth } from './devices/recent-auth.ts';
import { startNotifier } from './trust/notifier.ts';
import { createMailer } from './adapters/mail/mailer.ts';
import { createAuditLog } from './audit/audit.log.ts';
import { createCheckpointer } from './audit/audit.checkpointer.ts';
import { createAuditService } from './audit/audit.service.ts';
import { auditRoutes } from './audit/audit.routes.ts';
import { createAuditAlarms } from './audit/audit.alarms.ts';
import { createNoticeEvidence } from './audit/audit.notice-evidence.ts';
import { withEvidenceIndex } from './evidence/evidence.uploads.ts';
import { uploadIndexCheck } from './evidence/evidence.index-check.ts';
import { auditAlarmRoutes } from './audit/audit.alarm-routes.ts';
import { createAuditWitnessed } from './audit/audit.witnessed.ts';
import { auditWitnessedRoutes } from './audit/audit.witnessed-routes.ts';
import { createAuditFullCheck } from './audit/audit.full-check.ts';
import { auditVerifyRoutes } from './audit/audit.verify-routes.ts';
import { createFleetStore } from './fleet/fleet.store.ts';
import { createPseudonyms } from './fleet/fleet.pseudonym.ts';
import { withFleetActivations } from './fleet/fleet.activations.ts';
import { createFleetService } from './fleet/fleet.service.ts';
import { fleetRoutes } from './fleet/fleet.routes.ts';
import { createStaffAccess } from './fleet/staff-access.ts';
import { createFleetReviewService } from './fleet/fleet-review.service.ts';
import { fleetReviewRoutes } from './fleet/fleet-review.routes.ts';
import { createEvidenceService } from './evidence/evidence.service.ts';
import { evidenceRoutes } from './evidence/evidence.routes.ts';

/** How long a crashed instance keeps the audit signer's lease before another instance signs. */
const CHECKPOINT_LEASE_MS = 10_000;

/** Everything the app needs from outside; tests pass their own. */
export interface AppDeps {
  database: DatabaseHandle;
  blobs: BlobStore;
  geo: GeoLocator;
  log: Logger;
  clock?: Clock;
  events?: EventBus;
}

export interface ShoeboxApp {
  readonly http: Hono<AppEnv>;
  readonly events: EventBus;
  readonly services: ReturnType<typeof buildServices>;
  /** The OpenAPI 3.1 document of the public API. */
  openApi(): ReturnType<typeof openApiDocument>;
  /** Recovers from a previous crash and starts background work. */
  start(): Promise<void>;
  /** Lets the push hub take WebSocket upgrades on the HTTP server (after start()). */
  attach(server: Server): void;
  /** The live push hub, once started. */
  readonly push: PushHub | undefined;
  /** Stops background work; the caller closes the database afterwards. */
  stop(): Promise<void>;
}

function buildServices(config: Config, deps: AppDeps, clock: Clock, events: EventBus) {
  const { db, features } = deps.database;
  const accountsStore = createAccountsStore();
  const hasher = createPasswordHasher(config.argon2MemoryKiB);
  const metrics = createMetrics();
  const jobsStore = createJobsStore(features);
  const blobsDb = createBlobsStore();
  const changes = createChangesStore(features);
  const auditLog = createAuditLog({ features, clock });
  const fleetStore = createFleetStore();
  const pseudonyms = createPseudonyms(fleetStore);
  // Enrolments, sign-outs and removals of devices with a serial also become fleet records, in the same transaction.
  // Uploads are also indexed for explain (evidence_uploads), in the same transaction as their entry.
  const audit = withEvidenceIndex(withFleetActivations(auditLog, { store: fleetStore, pseudonyms, clock }));
  // One signer per deployment: instances sharing the database take turns through a lease (10 s after a crash).
  const checkpointer = createCheckpointer({
    db,
    log: deps.log,
    signerKeyFile: config.logKeyFile,
    clock,
    lease: { holder: `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`, ttlMs: CHECKPOINT_LEASE_MS },
    features,
    autoPack: true,
  });
  const checkPassword = createPasswordCheck({ db, hasher, throttle: createSignInThrottle(), clock });
  const accounts = createAccountsService({
    db,
    store: accountsStore,
    hasher,
    clock,
    events,
    audit,
    checkPassword,
    requireRecentAuth: createRecentAuth({ clock, checkPassword }),
  });
  const mailer = createMailer(config.smtpUrl, config.mailFrom);
  const publicUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
  const devicesStore = createDevicesStore();
  const trustParts = createTrust({
    db,
    devices: devicesStore,
    checkPassword,
    mailer,
    events,
    clock,
    audit,
    publicUrl,
    webauthn: { publicUrl: config.publicUrl, rpId: config.rpId },
    geo: deps.geo,
  });
  const { trust } = trustParts;
  const emailChange = createEmailChangeService({
    db,
    accounts: accountsStore,
    store: createEmailChangeStore(),
    mailer,
    events,
    clock,
    audit,
    requireRecentAuth: trustParts.requireRecentAuth,
    isUniqueViolation: (err) => features.isUniqueViolation(err),
  });
  const devices = createDevicesService({
    db,
    store: devicesStore,
    enrolment: trust,
    waysIn: trustParts.waysIn,
    throttle: createSignInThrottle(),
    accounts: accountsStore,
    hasher,
    geo: deps.geo,
    events,
    clock,
    audit,
  });
  const albumMembers = createAlbumMembersStore();
  const albumsStore = createAlbumsStore();
  const albumFeed = createAlbumFeed(changes, events);
  const photos = createPhotosService({
    db,
    features,
    photos: createPhotosStore(),
    blobsDb,
    changes,
    jobs: jobsStore,
    blobs: deps.blobs,
    geo: deps.geo,
    events,
    clock,
    stagingDir: path.join(config.dataDir, 'tmp', 'uploads'),
    maxUploadBytes: config.maxUploadBytes,
    audit,
    shared: albumMembers,
  });
  const albums = createAlbumsService({ db, albums: albumsStore, feed: albumFeed, clock, audit });
  const albumSharing = createAlbumSharingService({
    db,
    albums: albumsStore,
    members: albumMembers,
    feed: albumFeed,
    clock,
    audit,
  });
  const sync = createSyncService({
    db,
    feed: createFeedStore(),
    deliveries: createDeliveriesStore(),
    clock,
    audit,
  });
  const originals = createOriginalsService({ db, store: createOriginalsStore(), blobs: deps.blobs });
  const auditService = createAuditService({ db, log: auditLog, checkpointer });
  const auditAlarms = createAuditAlarms({ db, audit, events, verifierKey: checkpointer.verifierKey, clock });
  const auditWitnessed = createAuditWitnessed({ db, verifierKey: checkpointer.verifierKey, clock });
  const auditFullCheck = createAuditFullCheck({
    readSnapshot: deps.database.readSnapshot,
    checkpointer,
    audit,
    derived: uploadIndexCheck,
    clock,
    log: deps.log,
  });
  const staffAccess = createStaffAccess({ db, audit });
  const fleet = createFleetService({ db, store: fleetStore, pseudonyms, audit, staffAccess, clock });
  const fleetReview = createFleetReviewService({ db });
  const accountAdminStore = createAccountAdminStore();
  const deletionStore = createAccountDeletionStore();
  const accountAdmin = createAccountAdminService({
    db,
    accounts: accountsStore,
    store: accountAdminStore,
    deletionPending: async (q, id) => (await deletionStore.pending(q, id)) !== null,
    audit,
    staffAccess,
    events,
    clock,
  });
  // Explain reports the explained device's history from the fleet records.
  const evidence = createEvidenceService({
    db,
    deliveries: sync,
    fleet: { historyOf: (serial, accountId) => fleet.summaryOf(serial, accountId) },
    staffAccess,
  });
  const accountDeletion = createAccountDeletionService({
    db,
    accounts: accountsStore,
    admin: accountAdminStore,
    store: deletionStore,
    jobs: jobsStore,
    audit,
    requireRecentAuth: trustParts.requireRecentAuth,
    events,
    clock,
  });
  const runner = createJobRunner({
    db,
    store: jobsStore,
    clock,
    log: deps.log,
    // Twice the decoders: a job storing its results lets the next one decode (see renderSlots).
    concurrency: config.mediaWorkers * 2,
    handlers: {
      [DERIVATIVES_JOB]: createDerivativesJob({
        db,
        blobs: deps.blobs,
        events,
        metrics,
        renderSlots: config.mediaWorkers,
      }),
      [ACCOUNT_DELETION_JOB]: createAccountDeletionJob({
        db,
        features,
        accounts: accountsStore,
        store: deletionStore,
        jobs: jobsStore,
        photos,
        albums,
        sharing: albumSharing,
        forgetAccount: (q, id) => auditLog.forgetAccount(q, id),
        mailer,
        events,
        clock,
        log: deps.log,
      }),
    },
  });
  const timeline = createTimelineService({ db, store: createTimelineStore() });
  const jobs = createJobsService({ db, store: jobsStore, clock, events });
  const sessionExpiry = createSessionExpiry({ db, store: devicesStore, events, clock, audit });
  const sessions = createSessionsService({ db, store: createSessionsStore(), events, clock, audit });
  return {
    accounts,
    emailChange,
    devices,
    sessionExpiry,
    sessions,
    trust,
    trustParts,
    passkeySignIn: trustParts.passkeySignIn({ accounts: accountsStore, openSession: devices.openSession }),
    mailer,
    photos,
    timeline,
    albums,
    albumSharing,
    sync,
    originals,
    audit,
    checkpointer,
    auditService,
    auditAlarms,
    auditWitnessed,
    auditFullCheck,
    fleet,
    fleetReview,
    accountAdmin,
    accountDeletion,
    staffAccess,
    evidence,
    runner,
    jobs,
    jobsStore,
    blobsDb,
    metrics,
  };
}

/** The composition root: wires stores, services and routes from explicit dependencies. */
export function buildApp(config: Config, deps: AppDeps): ShoeboxApp {
  const clock = deps.clock ?? systemClock;
  const events = deps.events ?? createEventBus();
  const services = buildServices(config, deps, clock, events);
  const { metrics } = services;
  configureMedia({ threads: Math.max(1, config.mediaWorkers) });

  const api = createRouter();
  api.use(jsonBodyGuard);
  const authenticate = services.devices.authenticate;
  const auth = requireSession(authenticate, services.devices.whyRefused);
  api.route('/', accountsRoutes(services.accounts, auth, authenticate, VERSION, config.trashDays));
  api.route('/', accountAdminRoutes(services.accountAdmin, auth));
  api.route('/', accountDeletionRoutes(services.accountDeletion, auth));
  api.route('/', emailChangeRoutes(services.emailChange, auth));
  api.route('/', devicesRoutes(services.devices, auth));
  api.route('/', sessionsRoutes(services.sessions, auth));
  api.route('/', photosRoutes(services.photos, auth));
  api.route('/', timelineRoutes(services.timeline, auth));
  api.route('/', albumsRoutes(services.albums, auth));
  api.route('/', albumMembersRoutes(services.albumSharing, auth));
  api.route('/', syncRoutes(services.sync, services.devices, auth));
  api.route('/', originalsRoutes(services.originals, auth));
  api.route('/', trustRoutes(services.trust, services.trustParts.enrolmentFactors, auth));
  api.route('/', securityRoutes(services.trustParts, auth));
  api.route('/', reauthRoutes(services.trustParts.reauth, auth));
  api.route(
    '/',
    passkeysRoutes(
      {
        passkeys: services.trustParts.passkeys,
        enrolment: services.trustParts.passkeyEnrolment,
        signIn: services.passkeySignIn,
        relyingParty: services.trustParts.relyingParty,
      },
      auth,
    ),
  );
  api.route('/', auditRoutes(services.auditService, auth));
  api.route('/', auditAlarmRoutes(services.auditAlarms, auth));
  api.route('/', auditWitnessedRoutes(services.auditWitnessed, auth));
  api.route('/', auditVerifyRoutes(services.auditFullCheck, auth));
  api.route('/', fleetRoutes(services.fleet, auth));
  api.route('/', fleetReviewRoutes(services.fleetReview, auth));
  api.route('/', evidenceRoutes(services.evidence, auth));
  api.route('/', jobsRoutes(services.jobs, auth));
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

  const app = createRouter();
  app.use(async (c, next) => {
    const requestId = c.req.header('x-request-id')?.slice(0, 100) ?? randomUUID();
    const ip = resolveClientIp(
      c.env?.incoming?.socket.remoteAddress,
      c.req.header('x-forwarded-for'),
      config.trustProxy,
    );
    c.set('requestId', requestId);
    c.set('ip', ip);
    c.set('log', deps.log.child({ requestId }));
    c.header('x-request-id', requestId);
    const started = performance.now();
    await next();
    const route = c.req.routePath;
    const ms = performance.now() - started;
    c.get('log').info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(ms * 10) / 10, ip },
      'request',
    );
    metrics.httpDuration.observe({ method: c.req.method, route, status: c.res.status }, ms / 1000);
  });
  app.onError((err, c) => {
    const problem = toProblem(err, c.get('requestId'));
    if (problem.status >= 500) c.get('log').error({ err }, 'request failed');
    const retry = (problem as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    if (typeof retry === 'number') c.header('retry-after', String(retry));
    const contentRange = (problem as { contentRange?: unknown }).contentRange;
    if (typeof contentRange === 'string') c.header('content-range', contentRange);
    return c.json(problem, problem.status as 500, { 'content-type': 'application/problem+json' });
  });
  app.notFound((c) => {
    const problem = toProblem(
      new AppError('not_found', `No route for ${c.req.method} ${c.req.path}.`),
      c.get('requestId'),
    );
    return c.json(problem, 404, { 'content-type': 'application/problem+json' });
  });

  // A log that stopped adding up (a failed full check, or the checkpointer halting) is what start-up refuses to serve.
  app.get('/healthz', (c) => {
    const problem = services.checkpointer.problem;
    if (problem) return c.json({ status: 'audit_log_damaged', version: VERSION, problem }, 503);
    return c.json({ status: 'ok', version: VERSION });
  });
  app.get('/metrics', async (c) => {
    const counts = await services.jobsStore.countByState(deps.database.db, [DERIVATIVES_JOB]);
    metrics.ingestQueueDepth.set((counts['queued'] ?? 0) + (counts['running'] ?? 0));
    return c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType });
  });
  app.route('/api', api);
  mountApiDocs(app, api, VERSION);
  mountWebApp(app);

  const offJobs = events.on('jobs.enqueued', () => services.runner.wake());
  const offNotices = startNotifier({
    db: deps.database.db,
    events,
    mailer: services.mailer,
    clock,
    log: deps.log,
    notMeLink: (accountId, deviceId) => services.trustParts.notMe.link(accountId, deviceId),
    evidence: createNoticeEvidence({ db: deps.database.db, checkpointer: services.checkpointer }),
  });
  const offUploads = events.on('photo.added', () => metrics.uploads.inc({ outcome: 'stored' }));
  const offShareHints = relayShareHints({ db: deps.database.db, events, log: deps.log });
  const housekeeping = createHousekeeping({
    db: deps.database.db,
    features: deps.database.features,
    store: services.jobsStore,
    photos: services.photos,
    trashDays: config.trashDays,
    trust: services.trust,
    sessions: services.sessionExpiry,
    auditVerify: services.auditFullCheck,
    clock,
    log: deps.log,
  });
  let push: PushHub | undefined;
  let bus: ClusterBus | undefined;
  const pendingServers: Server[] = [];
  return {
    http: app,
    events,
    services,
    openApi: () => openApiDocument(api, VERSION),
    get push() {
      return push;
    },
    async start() {
      // Refuse to serve a log that no longer matches what was signed (AuditIntegrityError ends start-up). Every
      // leaf and node appended since the last verification is re-derived (all of them with SHOEBOX_AUDIT_VERIFY=full,
      // which also catches rows rewritten below that mark), so start-up stays fast at any size.
      // Explain reads the upload index, not the events: an edited row must stop start-up like an edited entry.
      await services.checkpointer.verifyOnStart({
        incremental: true,
        full: config.auditVerify === 'full',
        derived: uploadIndexCheck,
        readSnapshot: deps.database.readSnapshot,
      });
      clearStaging(path.join(config.dataDir, 'tmp'));
      await recoverInterruptedUploads(
        { db: deps.database.db, blobs: deps.blobs, blobsDb: services.blobsDb, log: deps.log },
        clock.now(),
      );
      await services.sync.init();
      bus = await deps.database.openBus();
      push = createPushHub({
        authenticate,
        events,
        bus,
        head: (accountId) => services.sync.head(accountId),
        trustProxy: config.trustProxy,
        log: deps.log,
      });
      for (const server of pendingServers.splice(0)) push.attach(server);
      services.runner.start();
      services.checkpointer.start();
      await housekeeping.start();
    },
    attach(server) {
      if (push) push.attach(server);
      else pendingServers.push(server);
    },
    async stop() {
      offJobs();
      offUploads();
      offShareHints();
      offNotices();
      await housekeeping.stop();
      await push?.close();
      await bus?.close();
      await services.runner.stop();
      await services.checkpointer.stop();
    },
  };
}
