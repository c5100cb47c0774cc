// A named lease in the database: at most one holder at a time, for a limited time, renewed by its holder. When
// the holder dies it stops renewing, and once the time is up any other instance may take the lease over.
// Used for work that must have exactly one doer across instances (signing audit checkpoints).
//
// The lease is a `settings` row whose value is {holder, until}; every change is a compare-and-swap on that value,
// so two instances racing for an expired lease cannot both win. Times come from each instance's clock: instances
// must keep their clocks within a small part of the lease time of each other (NTP), as any lease scheme assumes.
import type { Queryable } from '../adapters/db/database.ts';

export interface LeaseState {
  holder: string;
  /** Epoch ms until which the holder owns the lease. */
  until: number;
}

const keyOf = (name: string) => `lease:${name}`;

function parse(value: string): LeaseState | undefined {
  try {
    const v = JSON.parse(value) as Partial<LeaseState>;
    return typeof v.holder === 'string' && typeof v.until === 'number'
      ? { holder: v.holder, until: v.until }
      : undefined;
  } catch {
    return undefined;
  }
}

export function createLeaseStore() {
  async function read(db: Queryable, name: string): Promise<{ raw: string; state?: LeaseState } | undefined> {
    const row = await db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', keyOf(name))
      .executeTakeFirst();
    if (!row) return undefined;
    const state = parse(row.value);
    return state ? { raw: row.value, state } : { raw: row.value };
  }

  /**
   * Takes the lease for `holder` until `now + ttlMs` if it is free, expired or already `holder`'s (a renewal).
   * Returns the lease as it now stands: held by `holder` when this call won it.
   */
  async function acquire(
    db: Queryable,
    name: string,
    holder: string,
    now: number,
    ttlMs: number,
  ): Promise<LeaseState> {
    const mine = { holder, until: now + ttlMs };
    const value = JSON.stringify(mine);
    const inserted = await db
      .insertInto('settings')
      .values({ key: keyOf(name), value })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return mine;
    const current = await read(db, name);
    // Released between our insert and read: try again from the start.
    if (!current) return acquire(db, name, holder, now, ttlMs);
    const { state } = current;
    if (state && state.holder !== holder && state.until >= now) return state;
    const swapped = await db
      .updateTable('settings')
      .set({ value })
      .where('key', '=', keyOf(name))
      .where('value', '=', current.raw)
      .executeTakeFirst();
    if (Number(swapped.numUpdatedRows) === 1) return mine;
    return (await read(db, name))?.state ?? { holder: '', until: 0 };
  }

  return {
    read: async (db: Queryable, name: string) => (await read(db, name))?.state,
    acquire,

    /** Gives the lease up at once (a clean shutdown), so another instance need not wait for it to expire. */
    async release(db: Queryable, name: string, holder: string): Promise<void> {
      const current = await read(db, name);
      if (current?.state?.holder !== holder) return;
      await db
        .deleteFrom('settings')
        .where('key', '=', keyOf(name))
        .where('value', '=', current.raw)
        .execute();
    },
  };
}

export type LeaseStore = ReturnType<typeof createLeaseStore>;

export interface LeaseHolderOptions {
  db: Queryable;
  name: string;
  /** Names this instance in the lease row (host, pid and a random part: unique per process). */
  holder: string;
  ttlMs: number;
  clock: { now(): number };
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/** One instance's side of a lease: `hold()` before each piece of leased work, `release()` on a clean stop. */
export function createLeaseHolder({ db, name, holder, ttlMs, clock, log }: LeaseHolderOptions) {
  const leases = createLeaseStore();
  /** Until when this instance holds the lease, as far as it knows (0: not held). */
  let heldUntil = 0;
  return {
    /** True while this instance holds the lease; renews it once half of it is used up. */
    async hold(): Promise<boolean> {
      const now = clock.now();
      if (heldUntil - now > ttlMs / 2) return true;
      const state = await leases.acquire(db, name, holder, now, ttlMs);
      if (state.holder !== holder) {
        if (heldUntil > 0) log.warn({ lease: name, holder: state.holder }, 'lease lost to another instance');
        heldUntil = 0;
        return false;
      }
      if (heldUntil === 0) log.info({ lease: name, holder }, 'lease taken: this instance does the work');
      heldUntil = state.until;
      return true;
    },
    async release(): Promise<void> {
      if (heldUntil === 0) return;
      heldUntil = 0;
      await leases.release(db, name, holder);
    },
  };
}
