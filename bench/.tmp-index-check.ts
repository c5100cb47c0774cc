// Throwaway: times verifyUploadIndex on a kept explain-bench SQLite file.
import { openDatabase } from '../packages/server/src/adapters/db/database.ts';
import { verifyUploadIndex } from '../packages/server/src/evidence/evidence.index-check.ts';
const handle = await openDatabase({ url: `sqlite:${process.argv[2]}` });
for (let i = 0; i < 4; i++) {
  const t0 = performance.now();
  const r = await verifyUploadIndex(handle.db);
  console.log(`run ${i}: ${r.rows} rows in ${(performance.now() - t0).toFixed(0)} ms`);
}
await handle.close();
