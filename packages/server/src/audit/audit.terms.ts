// The audit log's per-account dictionary (migration 0025): values that recur in an account's events — the device and
// session behind every upload, the place its address resolves to — are stored once in audit_terms, and bodies name
// them by number (audit.codec.ts Tag.Term). The committed text is unchanged: a body rebuilds with the term's value in
// place, so a changed or deleted term changes or breaks every event naming it, and verification fails.
//
// An append looks its terms up in a cache, and on a miss in the database (inside the action's transaction, so a
// term and the first event naming it commit or roll back together). Only committed terms enter the cache: a number
// remembered from a transaction that rolled back would name nothing.
import type { JsonObject, JsonValue } from '@shoebox/shared/canonical-json';
import { canonicalJson } from '@shoebox/shared/canonical-json';
import type { Queryable, Tx } from '../adapters/db/database.ts';
import type { afterCommit as AfterCommit } from '../adapters/db/commit-hooks.ts';
import { decodeTerm, encodeTerm, termRefs, type TermNumbers, type TermValue } from './audit.codec.ts';
import { AppError } from '../errors.ts';
import { auditDb, type AuditDb } from './audit.db.ts';

/**
 * Body keys whose values are stored as terms. Any key may be added (a stored body says which of its values are terms),
 * but only values that recur are worth it: a term costs a row, a reference a few bytes.
 */
export const TERM_KEYS: ReadonlySet<string> = new Set(['deviceId', 'sessionId', 'place']);

/** Cached term numbers; past this many the cache starts over (a miss costs one lookup). */
const CACHE_LIMIT = 100_000;
/** Most values per lookup statement. */
const CHUNK = 500;

/** The values of `body` that are stored as terms: strings and objects under TERM_KEYS. */
export function termValues(body: JsonObject): JsonValue[] {
  const out: JsonValue[] = [];
  for (const key of TERM_KEYS) {
    const value = body[key];
    if (typeof value === 'string' || (typeof value === 'object' && value !== null)) out.push(value);
  }
  return out;
}

export interface TermDictionaryDeps {
  /** Remembers terms once their transaction committed; without it nothing is cached (every append looks up). */
  afterCommit?: typeof AfterCommit;
}

export function createTermDictionary({ afterCommit }: TermDictionaryDeps = {}) {
  const cache = new Map<string, number>();

  async function lookUp(trx: Tx, owner: number, values: Buffer[]): Promise<Map<string, number>> {
    const db = auditDb(trx);
    const found = new Map<string, number>();
    for (let i = 0; i < values.length; i += CHUNK) {
      const rows = await db
        .selectFrom('audit_terms')
        .select(['no', 'value'])
        .where('owner', '=', owner)
        .where('value', 'in', values.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) found.set(Buffer.from(r.value).toString('hex'), Number(r.no));
    }
    return found;
  }

  /** Numbers for `values` of `owner`, adding the missing ones (in `trx`). Keyed by the value's hex bytes. */
  async function numbersOf(trx: Tx, owner: number, values: Buffer[]): Promise<Map<string, number>> {
    const found = await lookUp(trx, owner, values);
    // In byte order: two transactions adding the same new terms wait for each other in one order, never deadlock.
    const missing = values.filter((v) => !found.has(v.toString('hex'))).sort((a, b) => Buffer.compare(a, b));
    if (missing.length === 0) return found;
    const added = await auditDb(trx)
      .insertInto('audit_terms')
      .values(missing.map((value) => ({ owner, value })))
      .onConflict((oc) => oc.columns(['owner', 'value']).doNothing())
      .returning(['no', 'value'])
      .execute();
    for (const r of added) found.set(Buffer.from(r.value).toString('hex'), Number(r.no));
    // Another transaction added one after this statement's snapshot was taken (PostgreSQL): it is committed now.
    const late = missing.filter((v) => !found.has(v.toString('hex')));
    if (late.length > 0) for (const [hex, no] of await lookUp(trx, owner, late)) found.set(hex, no);
    const lost = missing.find((v) => !found.has(v.toString('hex')));
    if (lost)
      throw new AppError('unavailable', 'The audit log could not record this action in time; try again.');
    return found;
  }

  /** The numbers the cache knows for `bodies`' term values, and the values it does not know. */
  function fromCache(owner: number, keyId: string, bodies: readonly JsonObject[]) {
    const out = new Map<string, number>();
    const wanted = new Map<string, Buffer>();
    for (const body of bodies) {
      for (const value of termValues(body)) {
        const text = canonicalJson(value);
        if (out.has(text) || wanted.has(text)) continue;
        const cached = cache.get(`${owner}\u0000${keyId}\u0000${text}`);
        if (cached === undefined) wanted.set(text, encodeTerm(value));
        else out.set(text, cached);
      }
    }
    return { out, wanted };
  }

  return {
    /**
     * The term numbers of `body`'s term values when every one is cached (committed under this owner and key), else
     * null: for an append that must write nothing before it knows its claim holds.
     */
    cachedNumbers(owner: number, keyId: string, body: JsonObject): TermNumbers | null {
      const { out, wanted } = fromCache(owner, keyId, [body]);
      return wanted.size === 0 ? out : null;
    },
    /**
     * The term numbers of every term value in `bodies` (events of one owner), by canonical JSON, stored in `trx` when
     * new. `keyId` names the owner's key (a forgotten owner's cached terms are gone with it).
     */
    async numbers(
      trx: Tx,
      owner: number,
      keyId: string,
      bodies: readonly JsonObject[],
    ): Promise<TermNumbers> {
      const { out, wanted } = fromCache(owner, keyId, bodies);
      if (wanted.size === 0) return out;
      const byHex = await numbersOf(trx, owner, [...wanted.values()]);
      const learned: [string, number][] = [];
      for (const [text, bytes] of wanted) {
        const no = byHex.get(bytes.toString('hex'));
        if (no === undefined) throw new Error('unreachable: a term without its number');
        out.set(text, no);
        learned.push([`${owner}\u0000${keyId}\u0000${text}`, no]);
      }
      await afterCommit?.(trx, () => {
        if (cache.size + learned.length > CACHE_LIMIT) cache.clear();
        for (const [k, no] of learned) cache.set(k, no);
      });
      return out;
    },
  };
}

export type TermDictionary = ReturnType<typeof createTermDictionary>;

/** The stored terms `rows` name, by number (one query per 500). */
export async function loadTermRows(
  db: Queryable | AuditDb,
  rows: readonly { body: Uint8Array | null }[],
): Promise<Map<number, { owner: number; value: Uint8Array }>> {
  const adb = auditDb(db);
  const wanted = new Set<number>();
  for (const r of rows) {
    if (r.body === null) continue;
    try {
      for (const no of termRefs(r.body)) wanted.add(no);
    } catch {
      // Undecodable bytes: opening the row reports them.
    }
  }
  const out = new Map<number, { owner: number; value: Uint8Array }>();
  const list = [...wanted];
  for (let i = 0; i < list.length; i += CHUNK) {
    const found = await adb
      .selectFrom('audit_terms')
      .select(['no', 'owner', 'value'])
      .where('no', 'in', list.slice(i, i + CHUNK))
      .execute();
    for (const t of found) out.set(Number(t.no), { owner: Number(t.owner), value: t.value });
  }
  return out;
}

/** What openRow needs of a set of loaded terms: each one's value, or an error when it is missing. */
export function termResolver(terms: ReadonlyMap<number, { value: Uint8Array }>): TermValue {
  return (no) => {
    const term = terms.get(no);
    if (term === undefined) throw new RangeError(`audit term ${no} is missing`);
    return decodeTerm(term.value);
  };
}

/**
 * The terms the stored bodies of `rows` name: what openRow needs to rebuild them. A term that is missing (deleted
 * rows) makes the rows naming it unreadable, as a changed body would.
 */
export async function loadTerms(
  db: Queryable | AuditDb,
  rows: readonly { body: Uint8Array | null }[],
): Promise<TermValue> {
  return termResolver(await loadTermRows(db, rows));
}
