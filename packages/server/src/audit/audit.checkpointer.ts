// Signs a C2SP checkpoint whenever the log grew: polled every 200 ms (and on poke()), so an
// append is covered by a signed tree head within a second. It never signs a head it cannot
// prove consistent with the last one it trusts (C2SP: a log MUST NOT sign inconsistent checkpoints).
// With several instances on one database, a lease (jobs/lease.ts) makes exactly one of them the signer; when it
// dies its lease runs out and another takes over, first checking the last head its predecessor signed.
import { signCheckpoint, toHex, verifyConsistency } from '@shoebox/shared/merkle/index';
import type { Queryable } from '../adapters/db/database.ts';
import type { AuditPackResult } from '../adapters/db/audit-pack.ts';
import type { DbFeatures } from '../adapters/db/features.ts';
import type { ReadSnapshot } from '../adapters/db/snapshot-reader.ts';
import { createLeaseHolder } from '../jobs/lease.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { auditDb } from './audit.db.ts';
import { createTreeExtender } from './audit.extend.ts';
import { createAuditHalts } from './audit.halt.ts';
import { loadOrCreateSigner } from './audit.keyfile.ts';
import { createAuditStore, type StoredCheckpoint } from './audit.store.ts';
import { AuditIntegrityError, consistencyProof, rootAt, treeSize } from './audit.tree.ts';
import { verifyEverything, verifyHead, type BlockCheck, type DerivedCheck } from './audit.verify.ts';
import { latestHaltId, readMark, writeMark, type VerifiedHead } from './audit.verify-mark.ts';

/** A head a pass verified, with the latest halt its snapshot held (a later halt keeps its mark from being written). */
export type SnapshotHead = VerifiedHead & { haltsSeen: number };

export interface CheckpointerDeps {
  db: Queryable;
  log: Logger;
  /** `<dataDir>/keys/log.key`; its verifier key is written beside it as log.pub. */
  signerKeyFile: string;
  /** Origin for a new key (default: a random shoebox/audit/<id>); an existing key file's origin wins. */
  origin?: string;
  clock: Clock;
  pollMs?: number;
  /**
   * Sign only while holding the database lease `audit-checkpointer` (several instances). `holder` names this
   * instance in the lease row; `ttlMs` is how long a dead holder keeps it. Without it, this checkpointer signs
   * whenever the log grows (one process, tools and tests).
   */
  lease?: { holder: string; ttlMs: number };
  /**
   * Lets the signer tell a seq still in flight from one whose transaction rolled back, and void the latter
   * (audit.extend.ts). Without it the tree waits at the first hole (tools and tests that make none).
   */
  features?: Pick<DbFeatures, 'auditSeqReleased' | 'auditPack' | 'auditBlockCheck'>;
  /**
   * Pack covered entries after rounds (the server). Off by default so that tests reading or changing stored rows
   * choose when packing happens (packNow()).
   */
  autoPack?: boolean;
}

/** Packing runs after a round once the tree grew this much since the last pack, or PACK_EVERY_MS passed. */
const PACK_AFTER_LEAVES = 4096;
const PACK_EVERY_MS = 60_000;
/** An owner's kind quiet this long has the rest of its covered events packed into a last, partial block. */
const SEAL_QUIET_MS = 24 * 3600_000;

export const CHECKPOINT_LEASE = 'audit-checkpointer';

export function createCheckpointer({
  db: q,
  log,
  signerKeyFile,
  origin,
  clock,
  pollMs = 200,
  lease,
  features,
  autoPack = false,
}: CheckpointerDeps) {
  const db = auditDb(q);
  const store = createAuditStore();
  const signer = loadOrCreateSigner(signerKeyFile, origin);
  let trusted: StoredCheckpoint | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  // Halts are shared through the database: one instance's failed check stops every instance's signing.
  const halts = createAuditHalts({ db: q, signer, log, clock });
  const leaseHolder = lease && createLeaseHolder({ db: q, name: CHECKPOINT_LEASE, ...lease, clock, log });
  // Appenders write only events and leaves: the signer builds the tree over what committed before signing it.
  const extender = createTreeExtender({ db: q, features, clock });
  // Packing (PostgreSQL) runs beside the rounds, never in them: a log's first pack may take a while, and
  // checkpoints must keep coming within a second. Only the signer packs (it holds the lease).
  let packing: Promise<AuditPackResult | undefined> | undefined;
  let packed = { size: 0, at: Number.NEGATIVE_INFINITY };

  function pack(size: number): Promise<AuditPackResult | undefined> {
    const auditPack = features?.auditPack;
    if (!auditPack) return Promise.resolve(undefined);
    // A pack that fails is retried on the same schedule as one that succeeded, not on every round.
    packing ??= auditPack(q, size, clock.now() - SEAL_QUIET_MS).finally(() => {
      packed = { size, at: clock.now() };
      packing = undefined;
    });
    return packing;
  }

  /** The adapter's check of packed blocks, reading through `snapshot` (PostgreSQL; none elsewhere). */
  function blockCheck(snapshot: Queryable): BlockCheck | undefined {
    const check = features?.auditBlockCheck;
    return check && ((from, size) => check(snapshot, from, size));
  }

  function packSoon(size: number): void {
    if (!autoPack || packing || !features?.auditPack) return;
    if (size - packed.size < PACK_AFTER_LEAVES && clock.now() - packed.at < PACK_EVERY_MS) return;
    pack(size).catch((err: unknown) => log.error({ err }, 'audit packing failed'));
  }

  /**
   * Extends the stored tree. Rows it needs that are missing or damaged fail the round (logged, as a proof that cannot
   * be built does), without halting: the full check is what judges the log.
   */
  async function extend(): Promise<number> {
    const { size, voided } = await extender.extend();
    if (voided.length > 0) log.warn({ voided }, 'audit seqs of rolled-back transactions voided');
    return size;
  }

  /**
   * Another holder signed since this instance last did: check that head (its signature, that the stored tree
   * hashes to it, and that it extends what this instance trusted) before signing on from it.
   */
  async function adopt(latest: StoredCheckpoint): Promise<boolean> {
    if (trusted && trusted.size > 0) {
      const proof = await consistencyProof(db, trusted.size, latest.size);
      const ok = verifyConsistency(trusted.size, latest.size, proof, trusted.root, latest.root);
      if (!ok.ok) {
        await halt(
          `checkpoint ${latest.size} is not consistent with checkpoint ${trusted.size}: ${ok.reason}`,
        );
        return false;
      }
    }
    try {
      await verifyHead(db, latest, signer.vkey);
    } catch (err) {
      if (!(err instanceof AuditIntegrityError)) throw err;
      await halt(err.message);
      return false;
    }
    trusted = latest;
    return true;
  }

  // Rounds never overlap (the timer's and signNow()'s): each builds on the `trusted` head the previous one left.
  let rounds: Promise<unknown> = Promise.resolve();
  function tick(): Promise<StoredCheckpoint | undefined> {
    const round = rounds.then(tickOnce);
    rounds = round.catch(() => undefined);
    return round;
  }

  async function tickOnce(): Promise<StoredCheckpoint | undefined> {
    if (await halts.refresh()) return undefined;
    if (leaseHolder && !(await leaseHolder.hold())) return undefined;
    // Started without verifyOnStart (tests, tools): at least stay consistent with the stored head.
    trusted ??= await store.latestCheckpoint(db);
    if (lease) {
      const latest = await store.latestCheckpoint(db);
      if (latest && trusted && latest.size > trusted.size && !(await adopt(latest))) return undefined;
    }
    const size = await extend();
    if (trusted && size <= trusted.size) {
      if (size < trusted.size) await halt(`the log shrank from ${trusted.size} to ${size} entries`);
      return undefined;
    }
    const root = await rootAt(db, size);
    if (trusted && trusted.size > 0) {
      const proof = await consistencyProof(db, trusted.size, size);
      const ok = verifyConsistency(trusted.size, size, proof, trusted.root, root);
      if (!ok.ok)
        return halt(
          `size ${size} (${toHex(root)}) is not consistent with checkpoint ${trusted.size}: ${ok.reason}`,
        );
    }
    const note = signCheckpoint(signer.key, { origin: signer.origin, size, rootHash: root });
    const cp: StoredCheckpoint = { size, root, note, createdAt: clock.now() };
    await store.insertCheckpoint(db, cp);
    trusted = cp;
    packSoon(size);
    return cp;
  }

  async function halt(reason: string): Promise<undefined> {
    await halts.raise(reason);
    return undefined;
  }

  function run(): void {
    if (running) {
      again = true;
      return;
    }
    running = tick()
      .then(() => undefined)
      .catch((err: unknown) => log.error({ err }, 'audit checkpoint failed'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  }

  return {
    verifierKey: signer.vkey,
    origin: signer.origin,
    /**
     * Packs what the stored tree covers now (PostgreSQL; undefined elsewhere), after any pack already running.
     * Rounds do this on their own; tests and benchmarks call it to pack at once.
     */
    async packNow(): Promise<AuditPackResult | undefined> {
      await packing?.catch(() => undefined);
      return pack(await treeSize(db));
    },
    /** Why signing stopped, if it did. */
    get problem(): string | undefined {
      return halts.problem;
    },
    /** The shared halt this checkpointer obeys (raised by the full check, cleared by an operator's passing one). */
    halts,

    /**
     * Throws AuditIntegrityError unless the stored tree still hashes to the last signed checkpoint. `incremental`
     * also re-derives the leaves, nodes and checkpoints appended since the last recorded verification (all of them
     * the first time); `full` re-derives everything from the start (O(n)), catching rows rewritten below that
     * mark. Both run `derived` on the entries they read and move the signed mark to the head they verified.
     * With `readSnapshot` the pass reads one point in time: other instances on the same database keep appending and
     * forgetting accounts meanwhile, and a forget committed between two of its reads (a key gone, its events not yet
     * blanked in what the pass read) must not read as tampering and stop this instance from starting.
     */
    async verifyOnStart(
      options: {
        full?: boolean;
        incremental?: boolean;
        derived?: (q: Queryable) => DerivedCheck;
        readSnapshot?: ReadSnapshot;
      } = {},
    ): Promise<void> {
      const read: ReadSnapshot = options.readSnapshot ?? ((pass) => pass(q));
      const { latest, head } = await read(async (snapshot) => {
        const at = auditDb(snapshot);
        const latest = await store.latestCheckpoint(at);
        if (latest) await verifyHead(at, latest, signer.vkey);
        if (!options.full && !options.incremental) return { latest, head: undefined };
        const since = options.full ? undefined : await readMark(snapshot, signer);
        const haltsSeen = await latestHaltId(snapshot);
        return {
          latest,
          head: {
            ...(await verifyEverything(
              at,
              signer.vkey,
              options.derived?.(snapshot),
              since,
              blockCheck(snapshot),
            )),
            haltsSeen,
          },
        };
      });
      if (head) await writeMark(q, signer, head, head.haltsSeen);
      trusted = latest;
      // A halt still open in the database keeps this instance from signing from its first round on.
      await halts.refresh();
    },

    /**
     * The full re-derivation on a live log (housekeeping.audit-verify): reads through `snapshot`, one point in
     * time while appends go on, and leaves what this instance trusts alone. Throws AuditIntegrityError.
     */
    async verifyAll(snapshot: Queryable, derived?: DerivedCheck): Promise<SnapshotHead> {
      const at = auditDb(snapshot);
      const latest = await store.latestCheckpoint(at);
      if (latest) await verifyHead(at, latest, signer.vkey);
      const haltsSeen = await latestHaltId(snapshot);
      return {
        ...(await verifyEverything(at, signer.vkey, derived, undefined, blockCheck(snapshot))),
        haltsSeen,
      };
    },

    /** Moves the signed "verified up to" mark to a head verifyAll vouched for. */
    markVerified: (head: SnapshotHead) => writeMark(q, signer, head, head.haltsSeen),

    /** Stops signing on every instance until an operator's passing full verification clears it. */
    halt: (reason: string): Promise<void> => halts.raise(reason),

    /** Signs at once if the log grew; resolves with the new checkpoint, if any. */
    async signNow(): Promise<StoredCheckpoint | undefined> {
      while (running) await running;
      return tick();
    },

    poke: run,

    /** Extends the stored tree without signing (tests, tools); resolves with its size. */
    extendTree: extend,

    start(): void {
      if (timer) return;
      timer = setInterval(run, pollMs);
      timer.unref();
      run();
    },

    /** Stops signing and hands the lease back, so another instance takes over without waiting for it to expire. */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      while (running) await running;
      await packing?.catch(() => undefined);
      await leaseHolder
        ?.release()
        .catch((err: unknown) => log.warn({ err }, 'audit checkpoint lease not released'));
    },

    latest: () => store.latestCheckpoint(db),
  };
}

export type Checkpointer = ReturnType<typeof createCheckpointer>;
export { AuditIntegrityError };
