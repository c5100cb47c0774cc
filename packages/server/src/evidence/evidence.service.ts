// Provenance of one photo and the explain report of one device, every claim citing the audit
// entry it rests on, plus the cited entries with their inclusion proofs so a device can check them.
import type {
  EvidenceEntries,
  ExplainReport,
  FleetSummary,
  PhotoProvenance,
  PhotoDelivery,
  Place,
} from '@shoebox/shared';
import type { Db } from '../adapters/db/database.ts';
import { auditDb } from '../audit/audit.db.ts';
import { treeSize } from '../audit/audit.tree.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import { AppError, notFound } from '../errors.ts';
import { iso } from '../platform/clock.ts';
import type { Principal } from '../platform/principal.ts';
import { requireStaffReason, type StaffAccess } from '../fleet/staff-access.ts';
import { evidenceDevice, explainReport } from './evidence.explain.ts';
import { problem, uploadProblems } from './evidence.problems.ts';
import { buildLedger, cite, deliveryOf, ownRows, placeOf, signInEvidence, str } from './evidence.ledger.ts';
import { openGrants, sharedPhotos } from './evidence.shared.ts';
import { TRUST_KINDS, createEvidenceStore, type EvidenceStore } from './evidence.store.ts';
import { sharedProvenance } from './evidence.shared-provenance.ts';
import { indexedPhotos, loggedDetails } from './evidence.uploads.ts';
import { citedEntries } from './evidence.entries.ts';
import { laterRows } from './evidence.feed-rows.ts';

/**
 * Device history from fleet records (src/fleet). Optional: without it, or for a device without a serial,
 * explain reports `fleet: null`.
 */
export interface FleetHistorySource {
  /** Judged for `accountId`, the account whose device is explained (whose activations are the owner's). */
  historyOf(serial: string, accountId: string): Promise<FleetSummary | null>;
}

export interface EvidenceServiceDeps {
  db: Db;
  store?: EvidenceStore;
  /** Who received a photo and when, from the delivery records. */
  deliveries: {
    deliveriesOf(
      actor: Principal,
      photoId: string,
      devices: { id: string; name: string }[],
    ): Promise<PhotoDelivery[]>;
  };
  fleet?: FleetHistorySource;
  /** The audited gate for support staff (src/fleet/staff-access.ts); without it staff get no explain. */
  staffAccess?: StaffAccess;
}

export interface ExplainQuery {
  deviceId?: string;
  photoId?: string;
  library?: boolean;
  limit?: number;
}

export const EXPLAIN_DEFAULT_LIMIT = 200;

export function createEvidenceService({
  db,
  store = createEvidenceStore(),
  deliveries,
  fleet,
  staffAccess,
}: EvidenceServiceDeps) {
  async function deviceMap(accountId: string, ids: string[]) {
    return new Map((await store.devices(db, accountId, ids)).map((d) => [d.id, d]));
  }

  async function explainOf(accountId: string, deviceId: string, q: ExplainQuery): Promise<ExplainReport> {
    // Uploads come from the narrow index (evidence.uploads.ts), not from parsing every upload's log body.
    const [indexed, sharedRows, events, later, logSize] = await Promise.all([
      indexedPhotos(db, accountId, q.photoId),
      store.shared(db, accountId, q.photoId),
      store.events(db, accountId, TRUST_KINDS),
      laterRows(db, accountId, q.photoId),
      treeSize(auditDb(db)),
    ]);
    const photos = indexed.map((i) => i.photo);
    if (q.photoId !== undefined && photos.length === 0 && sharedRows.length === 0) throw notFound('Photo');
    const ledger = buildLedger(events);
    const addedAt = new Map<string, number>();
    for (const { photo, upload, added } of indexed) {
      if (upload) ledger.uploads.set(photo.id, upload);
      if (added !== null) addedAt.set(photo.id, added);
    }
    const devices = await deviceMap(accountId, [...new Set(photos.map((p) => p.upload_device_id))]);
    const device = devices.get(deviceId);
    if (!device || device.account_id !== accountId) throw notFound('Device');
    const report = explainReport({
      accountId,
      device,
      devices,
      photos,
      addedAt,
      laterRows: later,
      shared: sharedPhotos(sharedRows, accountId, openGrants(events)),
      ledger,
      scope: q.photoId !== undefined ? 'photo' : q.library ? 'library' : 'delivered',
      limit: q.limit ?? EXPLAIN_DEFAULT_LIMIT,
    });
    // Explain reads only place labels (and differing hashes) for all photos: the listed ones get the rest.
    const listed = report.groups.flatMap((g) => g.photos).filter((p) => p.cite);
    // Few photos had their hash read (those whose logged upload disagrees, or without one): the set stays small.
    const hashRead = new Set(indexed.filter((i) => i.sha256Read).map((i) => i.photo.id));
    const details = await loggedDetails(
      db,
      accountId,
      listed.map((p) => p.photoId),
    );
    for (const p of listed) {
      const detail = details.get(p.photoId);
      // The index rows go only with the account: it was deleted while this report was being made.
      if (!detail) throw notFound('Account');
      if (detail.place !== null) p.place = JSON.parse(detail.place) as Place;
      if (!hashRead.has(p.photoId)) p.sha256 = detail.sha256;
    }
    const history = fleet && device.serial ? await fleet.historyOf(device.serial, accountId) : null;
    return { ...report, fleet: history, logSize };
  }

  return {
    async provenance(actor: Principal, photoId: string): Promise<PhotoProvenance> {
      requireTrusted(actor);
      const accountId = actor.account.id;
      const [photo] = await store.photos(db, accountId, photoId);
      if (!photo) return sharedProvenance({ db, store, deliveries }, actor, photoId);
      const [uploads, trust, added, later, devices, logSize] = await Promise.all([
        store.uploadsOf(db, accountId, photoId),
        store.events(db, accountId, TRUST_KINDS),
        store.addedAt(db, accountId, photoId),
        laterRows(db, accountId, photoId),
        deviceMap(accountId, [photo.upload_device_id]),
        treeSize(auditDb(db)),
      ]);
      const ledger = buildLedger([...uploads, ...trust].sort((a, b) => a.seq - b.seq));
      const names = new Map([...devices.values()].map((d) => [d.id, d.name]));
      const upload = ledger.uploads.get(photoId);
      const uploader = devices.get(photo.upload_device_id);
      const signIn = signInEvidence(ledger, ledger.signInBySession.get(photo.upload_session_id), names);
      const changeId = added.get(photoId);
      const own = [...devices.values()].flatMap((d) =>
        d.account_id === accountId ? [{ id: d.id, name: d.name }] : [],
      );
      const received = changeId === undefined ? [] : await deliveries.deliveriesOf(actor, photoId, own);
      const problems = uploadProblems(photo, upload, uploader, signIn);
      const rows = changeId === undefined ? [] : ownRows(changeId, changeId, later.get(photoId));
      if (changeId === undefined) problems.push(problem('not-in-feed'));
      return {
        photoId,
        sha256: photo.sha256,
        accountId,
        device: uploader ? evidenceDevice(uploader, accountId) : null,
        sessionId: photo.upload_session_id,
        signIn,
        upload: {
          at: iso(upload?.at ?? photo.uploaded_at),
          ip: upload ? str(upload, 'ip') : photo.upload_ip,
          place: upload ? placeOf(upload) : null,
          cite: upload ? cite(upload) : null,
        },
        // Shared albums are being built: until then nothing is shared in.
        sharedIn: null,
        deliveries: received.map((d) => {
          const entry = deliveryOf(ledger, d.deviceId, rows);
          return { ...d, cite: entry ? cite(entry) : null };
        }),
        anomalies: problems.map((p) => p.text),
        anomalyCodes: problems.map((p) => p.code),
        logSize,
      };
    },

    async explain(actor: Principal, q: ExplainQuery): Promise<ExplainReport> {
      requireTrusted(actor);
      return explainOf(actor.account.id, q.deviceId ?? actor.device.id, q);
    },

    /**
     * The same report for support staff, about another account's device: only with a stated reason, and the look
     * is an entry in that account's own log (which its owner sees) before anything is read.
     */
    async explainForStaff(
      actor: Principal,
      accountId: string,
      reason: string | undefined,
      q: ExplainQuery & { deviceId: string },
    ): Promise<ExplainReport> {
      if (!staffAccess) throw new AppError('forbidden', 'Staff access is not available on this server.');
      // Staff only (and with a reason) learn whether the device exists; a look at nothing is not recorded, and a
      // deleted account's closed log takes no new entry.
      requireStaffReason(actor, reason);
      const device = (await store.devices(db, accountId, [q.deviceId])).find((d) => d.id === q.deviceId);
      if (device?.account_id !== accountId) throw notFound('Device');
      await staffAccess(actor, accountId, reason, `explain:${q.deviceId}`);
      return explainOf(accountId, q.deviceId, q);
    },

    /** The caller's own cited entries with inclusion proofs in the tree of `size` entries. */
    entries(actor: Principal, seqs: number[], size: number): Promise<EvidenceEntries> {
      requireTrusted(actor);
      return citedEntries(db, store, actor.account.id, seqs, size);
    },
  };
}

export type EvidenceService = ReturnType<typeof createEvidenceService>;
