// Child process of the group commit test: 8 concurrent writers, each printing `ack <key>` once its transaction's
// commit resolved, until the test kills the process. Usage: node --import tsx sqlite-group-commit.kill-child.ts FILE
import { openDatabase } from './database.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: sqlite-group-commit.kill-child.ts FILE');
const handle = await openDatabase({ url: `sqlite:${file}` });
let next = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    for (;;) {
      const key = `k-${next++}`;
      await handle.db
        .transaction()
        .execute((trx) => trx.insertInto('settings').values({ key, value: 'x' }).execute());
      process.stdout.write(`ack ${key}\n`);
    }
  }),
);
