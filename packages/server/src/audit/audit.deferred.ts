// Batched audit appends: a transaction's first record() writes its rows at once, and every later record() in it only
// claims its seq and computes its rows, which are written together just before the transaction commits. Each event
// has its own claimed seq (PostgreSQL holds each claim's lock until the transaction ends, so the signer never voids
// them), so a batch needs no checks; if one of its seqs was voided after all, the insert fails and the transaction
// rolls back with every seq it claimed. Without commit hooks (a database not opened by openDatabase) every record
// writes at once.
import type { Tx } from '../adapters/db/database.ts';
import type { AuditEventRow } from '../adapters/db/audit-append.ts';
import type { DbFeatures } from '../adapters/db/features.ts';

export type DeferredEvent = AuditEventRow;

export interface DeferredAppends {
  /** Queues the event's rows for `trx`'s commit; false (nothing queued) when this transaction cannot defer. */
  add(trx: Tx, event: DeferredEvent): Promise<boolean>;
}

export function createDeferredAppends(
  features: Partial<Pick<DbFeatures, 'auditAppendBatch' | 'beforeCommit'>>,
  /** Turns a failed write into the error the action fails with. */
  failed: (err: unknown) => unknown,
): DeferredAppends | undefined {
  if (!features.auditAppendBatch || !features.beforeCommit) return undefined;
  const writeBatch = features.auditAppendBatch;
  const beforeCommit = features.beforeCommit;
  const batches = new WeakMap<Tx, DeferredEvent[]>();
  // Transactions that registered no hook (false from beforeCommit): they write at once for the rest of their life.
  const cannot = new WeakSet<Tx>();

  async function flush(trx: Tx): Promise<void> {
    const events = batches.get(trx);
    batches.delete(trx);
    if (!events || events.length === 0) return;
    try {
      await writeBatch(trx, { events });
    } catch (err) {
      throw failed(err);
    }
  }

  return {
    async add(trx, event) {
      if (cannot.has(trx)) return false;
      let events = batches.get(trx);
      if (!events) {
        if (!(await beforeCommit(trx, () => flush(trx)))) {
          cannot.add(trx);
          return false;
        }
        events = [];
        batches.set(trx, events);
      }
      events.push(event);
      return true;
    },
  };
}
