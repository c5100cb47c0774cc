// Batched audit appends: a transaction's first record() writes at once (guarded, taking the log's order lock on
// PostgreSQL, so its seq is final), and every later record() in it only computes its rows, which are written
// together just before the transaction commits. Under the lock, this transaction's view of the log's end is exact,
// so the batch cannot be refused unless something wrote around the lock; if it is, the transaction rolls back with
// every seq it handed out. Without commit hooks (a database not opened by openDatabase) every record writes at once.
import type { Tx } from '../adapters/db/database.ts';
import type { AuditBatchRows } from '../adapters/db/audit-append-batch.ts';
import type { DbFeatures } from '../adapters/db/features.ts';

export type DeferredEvent = AuditBatchRows['events'][number];
export type DeferredNode = AuditBatchRows['nodes'][number];

interface Pending {
  prevLeaf: Buffer;
  keys: Map<string, Buffer>;
  events: DeferredEvent[];
  nodes: DeferredNode[];
}

export interface DeferredAppends {
  /**
   * Queues the event's rows for `trx`'s commit; false (nothing queued) when this transaction cannot defer, and the
   * caller must write at once. `prevLeaf` is the leaf just before the transaction's first queued event.
   */
  add(
    trx: Tx,
    prevLeaf: Buffer,
    owner: string,
    key: Buffer,
    event: DeferredEvent,
    nodes: DeferredNode[],
  ): Promise<boolean>;
}

export function createDeferredAppends(
  features: Partial<Pick<DbFeatures, 'auditAppendBatch' | 'beforeCommit'>>,
  /** Called when a batch was refused: the appender's guesses about the log are wrong. */
  onRefused: () => void,
): DeferredAppends | undefined {
  if (!features.auditAppendBatch || !features.beforeCommit) return undefined;
  const writeBatch = features.auditAppendBatch;
  const beforeCommit = features.beforeCommit;
  const batches = new WeakMap<Tx, Pending>();
  // Transactions that registered no hook (false from beforeCommit): they write at once for the rest of their life.
  const cannot = new WeakSet<Tx>();

  async function flush(trx: Tx): Promise<void> {
    const batch = batches.get(trx);
    batches.delete(trx);
    if (!batch || batch.events.length === 0) return;
    if (!(await writeBatch(trx, batch))) {
      onRefused();
      throw new Error('audit batch refused at commit: the log or a key changed under the lock');
    }
  }

  return {
    async add(trx, prevLeaf, owner, key, event, nodes) {
      if (cannot.has(trx)) return false;
      let batch = batches.get(trx);
      if (!batch) {
        if (!(await beforeCommit(trx, () => flush(trx)))) {
          cannot.add(trx);
          return false;
        }
        batch = { prevLeaf, keys: new Map(), events: [], nodes: [] };
        batches.set(trx, batch);
      }
      batch.keys.set(owner, key);
      batch.events.push(event);
      batch.nodes.push(...nodes);
      return true;
    },
  };
}
