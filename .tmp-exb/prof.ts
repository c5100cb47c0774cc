import { openDatabase } from '../packages/server/src/adapters/db/database.ts';
import { indexedPhotos } from '../packages/server/src/evidence/evidence.uploads.ts';
import { createEvidenceStore, TRUST_KINDS } from '../packages/server/src/evidence/evidence.store.ts';
import { buildLedger } from '../packages/server/src/evidence/evidence.ledger.ts';
import { explainReport } from '../packages/server/src/evidence/evidence.explain.ts';
import { treeSize } from '../packages/server/src/audit/audit.tree.ts';
import { auditDb } from '../packages/server/src/audit/audit.db.ts';
const h = await openDatabase({ url: 'sqlite:/tmp/exb/bench.db' });
const db = h.db;
const A = '00000000-0000-7000-8000-00000000a000';
const store = createEvidenceStore();
async function t<T>(name: string, f: () => Promise<T> | T): Promise<T> {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const r = await f();
  const c = process.cpuUsage(c0);
  console.log(name.padEnd(20), (performance.now() - t0).toFixed(0).padStart(6), 'ms wall', ((c.user + c.system) / 1000).toFixed(0).padStart(6), 'ms cpu');
  return r;
}
for (let round = 0; round < 2; round++) {
  const indexed = await t('indexedPhotos', () => indexedPhotos(db, A));
  const ev = await t('events trust', () => store.events(db, A, TRUST_KINDS));
  await t('shared', () => store.shared(db, A));
  await t('sharedAt', () => store.sharedAt(db, A));
  await t('treeSize', () => treeSize(auditDb(db)));
  const devices = await t('devices', () => store.devices(db, A, ['dev-1', 'dev-2']));
  const ledger = await t('ledger', () => { const l = buildLedger(ev); for (const i of indexed) if (i.upload) l.uploads.set(i.photo.id, i.upload); return l; });
  const addedAt = new Map<string, number>(); for (const i of indexed) if (i.added !== null) addedAt.set(i.photo.id, i.added);
  const dm = new Map(devices.map((d) => [d.id, d]));
  const r = await t('explainReport', () => explainReport({ accountId: A, device: dm.get('dev-1')!, devices: dm, photos: indexed.map((i) => i.photo), addedAt, shared: [], sharedAt: new Map(), ledger, scope: 'delivered', limit: 200 }));
  await t('stringify', () => JSON.stringify(r).length);
}
await h.close();
