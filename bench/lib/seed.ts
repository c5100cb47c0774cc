import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../packages/server/src/adapters/db/database.ts';
import type { NewPhotoRow } from '../../packages/server/src/adapters/db/schema.ts';
import { newId, newSecret } from '../../packages/server/src/platform/ids.ts';

export interface SeededLibrary {
  /** A bearer token of a trusted device of the account that owns every photo. */
  token: string;
  accountId: string;
  photos: number;
  seconds: number;
}

/** Rows per INSERT: 30 columns x 500 rows stays under both SQLite's and PostgreSQL's parameter limits. */
const ROWS_PER_INSERT = 500;
const ROWS_PER_TRANSACTION = 10_000;
const CAMERAS = [
  ['Apple', 'iPhone 13 Pro'],
  ['Google', 'Pixel 8'],
  ['samsung', 'SM-S918B'],
  ['Xiaomi', 'Mi 9T'],
  ['SONY', 'ILCE-7M3'],
] as const;
const PLACE = {
  label: 'Berlin, Germany',
  city: 'Berlin',
  region: 'Land Berlin',
  country: 'Germany',
  countryCode: 'DE',
  latitude: 52.52,
  longitude: 13.4,
  accuracyKm: 20,
};

/**
 * Writes one account with a trusted device and session, and `count` photos (with their blob rows) taken over
 * ten years, directly into the database: what a library looks like after years of phone backups.
 */
export async function seedLibrary(
  db: Db,
  count: number,
  log: (line: string) => void,
): Promise<SeededLibrary> {
  const started = performance.now();
  const now = Date.now();
  const accountId = newId(now);
  const deviceId = newId(now);
  const sessionId = newId(now);
  const token = newSecret(256);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('accounts')
      .values({
        id: accountId,
        email: 'library-bench@example.com',
        display_name: 'Library Bench',
        password_hash: 'not-a-hash: this account signs in through its seeded session only',
        role: 'admin',
        created_at: now,
        password_changed_at: now,
      })
      .execute();
    await trx
      .insertInto('devices')
      .values({
        ...{ id: deviceId, account_id: accountId, installation_id: randomBytes(8).toString('hex') },
        ...{ name: 'Pixel 8', model: 'Pixel 8', os: 'Android 15', app_version: '1.0.0', serial: null },
        ...{ status: 'trusted', created_at: now, trusted_at: now, trust_reason: '{"kind":"first-device"}' },
        ...{ last_seen_at: now, last_ip: '127.0.0.1', last_place: JSON.stringify(PLACE), removed_at: null },
      })
      .execute();
    await trx
      .insertInto('sessions')
      .values({
        ...{ id: sessionId, account_id: accountId, device_id: deviceId },
        ...{ token_hash: createHash('sha256').update(token).digest('hex'), created_at: now },
        ...{ expires_at: now + 365 * 86_400_000, last_used_at: now, ip: '127.0.0.1', place: null },
        ...{ factors: '["password"]', revoked_at: null, revoke_reason: null },
        ...{ client: 'device', authenticated_at: now },
      })
      .execute();
  });
  const ids = { accountId, deviceId, sessionId, now };
  for (let start = 0; start < count; start += ROWS_PER_TRANSACTION) {
    const end = Math.min(count, start + ROWS_PER_TRANSACTION);
    await db.transaction().execute(async (trx) => {
      for (let i = start; i < end; i += ROWS_PER_INSERT) {
        const rows = Array.from({ length: Math.min(ROWS_PER_INSERT, end - i) }, (_, k) =>
          photoRow(i + k, ids),
        );
        await trx
          .insertInto('blobs')
          .values(rows.map((r) => ({ sha256: r.sha256, size: r.size, created_at: r.uploaded_at })))
          .execute();
        await trx.insertInto('photos').values(rows).execute();
      }
    });
    log(`  seeded ${end}/${count}`);
  }
  return { token, accountId, photos: count, seconds: (performance.now() - started) / 1000 };
}

/** Photo `i` of the library: a realistic mix of cameras, GPS, offsets and media states, one every ~53 min. */
function photoRow(
  i: number,
  ids: { accountId: string; deviceId: string; sessionId: string; now: number },
): NewPhotoRow {
  const taken = ids.now - 10 * 365 * 86_400_000 + i * 3_153_600 + (i % 97) * 1000;
  const uploaded = taken + 3_600_000;
  const [make, model] = CAMERAS[i % CAMERAS.length] as (typeof CAMERAS)[number];
  const hasGps = i % 5 < 2;
  const hasOffset = i % 3 !== 0;
  const wall = new Date(taken + (hasOffset ? 7_200_000 : 0)).toISOString().slice(0, 23);
  const row: NewPhotoRow = {
    id: newId(uploaded),
    account_id: ids.accountId,
    sha256: randomBytes(32).toString('hex'),
    size: 2_000_000 + (i % 31) * 97_000,
    mime: i % 10 === 0 ? 'image/heic' : 'image/jpeg',
    status: 'active',
    trashed_at: null,
    sort_time: taken,
    ...{
      capture_time: wall,
      capture_offset: hasOffset ? '+02:00' : null,
      capture_utc: hasOffset ? taken : null,
    },
    ...{ make, model, width: 4032, height: 3024, orientation: i % 4 === 0 ? 6 : 1 },
    gps_lat: hasGps ? 52.5 + (i % 1000) / 10_000 : null,
    gps_lon: hasGps ? 13.4 + (i % 777) / 10_000 : null,
    media_state: i % 500 === 0 ? 'failed' : 'ready',
    media_note: i % 500 === 0 ? 'The file is truncated: it ends before the image data is complete.' : null,
    metadata_problems:
      i % 50 === 0 ? '["Orientation 0 is not a valid value (1–8), so it is ignored."]' : null,
    file_name: `IMG_${String(i % 10_000).padStart(4, '0')}.${i % 10 === 0 ? 'HEIC' : 'JPG'}`,
    file_modified_at: taken,
    file_created_at: taken,
    uploaded_at: uploaded,
    upload_device_id: ids.deviceId,
    upload_session_id: ids.sessionId,
    upload_ip: '127.0.0.1',
    upload_place: JSON.stringify(PLACE),
  };
  return row;
}
