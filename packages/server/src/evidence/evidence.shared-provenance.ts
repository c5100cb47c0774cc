// Provenance of a photo of another account that the caller sees through an album. What the caller may see of it
// is what the album shows (whose it is, the uploading device's name and model) and what the caller's own log
// holds: the grant that shared it and the deliveries to the caller's devices. The other account's log stays its own.
import type { PhotoProvenance } from '@shoebox/shared';
import { auditDb } from '../audit/audit.db.ts';
import { treeSize } from '../audit/audit.tree.ts';
import { notFound } from '../errors.ts';
import { iso } from '../platform/clock.ts';
import type { Principal } from '../platform/principal.ts';
import { laterRows } from './evidence.feed-rows.ts';
import { buildLedger, cite, deliveryOf } from './evidence.ledger.ts';
import type { EvidenceServiceDeps } from './evidence.service.ts';
import { openGrants, sharedPhotos } from './evidence.shared.ts';
import { problem } from './evidence.problems.ts';
import { TRUST_KINDS, type EvidenceStore } from './evidence.store.ts';

type Deps = Pick<EvidenceServiceDeps, 'db' | 'deliveries'> & { store: EvidenceStore };

/** Not in any album the caller owns or is a member of: answered like a photo that does not exist. */
export async function sharedProvenance(
  { db, store, deliveries }: Deps,
  actor: Principal,
  photoId: string,
): Promise<PhotoProvenance> {
  const accountId = actor.account.id;
  const rows = await store.shared(db, accountId, photoId);
  const first = rows[0];
  if (!first) throw notFound('Photo');
  const [events, sharedAt, later, devices, logSize] = await Promise.all([
    store.events(db, accountId, TRUST_KINDS),
    store.sharedAt(db, accountId, photoId),
    laterRows(db, accountId, photoId),
    store.devices(db, accountId, [first.upload_device_id]),
    treeSize(auditDb(db)),
  ]);
  const [item] = sharedPhotos(rows, accountId, openGrants(events));
  const photo = item?.photo ?? first;
  const sharedIn = item?.sharedIn ?? null;
  const ledger = buildLedger(events);
  const changeId = sharedAt.get(photoId);
  const uploader = devices.find((d) => d.id === photo.upload_device_id);
  const own = devices.filter((d) => d.account_id === accountId).map(({ id, name }) => ({ id, name }));
  const received = changeId === undefined ? [] : await deliveries.deliveriesOf(actor, photoId, own);
  const problems = sharedIn ? [] : [problem('not-shared')];
  if (changeId === undefined)
    problems.push(problem('not-in-feed', 'it never came into the account’s change feed'));
  return {
    photoId,
    sha256: photo.sha256,
    accountId: photo.account_id,
    // Name and model as the album shows them; its serial and enrolment are the other account's business.
    device: uploader
      ? {
          id: uploader.id,
          name: uploader.name,
          model: uploader.model,
          serial: null,
          status: uploader.status,
          foreign: true,
        }
      : null,
    sessionId: photo.upload_session_id,
    signIn: null,
    upload: { at: iso(photo.uploaded_at), ip: null, place: null, cite: null },
    sharedIn,
    deliveries: received.map((d) => {
      const entry = deliveryOf(ledger, d.deviceId, later.get(photoId) ?? []);
      return { ...d, cite: entry ? cite(entry) : null };
    }),
    anomalies: problems.map((p) => p.text),
    anomalyCodes: problems.map((p) => p.code),
    logSize,
  };
}
