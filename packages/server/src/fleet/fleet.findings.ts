// A serial's timeline from every source, and what it says about the unit's past. Pure: the service reads the rows.
import type { DeviceHistory, FleetEvent, FleetFinding, FleetFindingCode, Place } from '@shoebox/shared';
import { iso } from '../platform/clock.ts';
import {
  activatedBeforeSale,
  activatedByAnotherAccount,
  neverSold,
  soldByUnshippedRetailer,
  soldMoreThanOnce,
  unknownSerial,
} from './fleet.finding-words.ts';
import type { ActivationRecord, SaleRecord, ShipmentRecord } from './fleet.store.ts';

export interface HistoryInput {
  serial: string;
  shipments: ShipmentRecord[];
  sales: SaleRecord[];
  activations: ActivationRecord[];
  /** Judge against this pseudonym (the asking owner); null: the latest account to activate the unit. */
  owner: string | null;
  /** Show where other accounts activated it (staff); an owner sees only their own places. */
  showAllPlaces: boolean;
}

const DAY_MS = 86_400_000;
/** Shoebox records instants, sales carry a local date: allow for the furthest time zone before calling it early. */
const FURTHEST_ZONE_MS = 14 * 3_600_000;
const ORDER = ['shipped', 'sold', 'returned', 'refurbished', 'activated', 'signed-out', 'removed'];
const SALE_KIND = { sale: 'sold', return: 'returned', refurbished: 'refurbished' } as const;

type Timed = { event: FleetEvent; sortAt: number; date: string | null };

export function buildHistory(input: HistoryInput): DeviceHistory {
  const owner = input.owner ?? latestActivator(input.activations);
  const empty = { localTime: null, account: null, byCurrentOwner: false, place: null, auditSeq: null };
  const none = { model: null, batch: null, shippedTo: null, retailer: null, orderId: null, channel: null };
  const timed: Timed[] = [
    ...input.shipments.map((s) => ({
      sortAt: dayStart(s.ship_date),
      date: s.ship_date,
      event: {
        ...empty,
        ...none,
        id: `shipment:${s.id}`,
        kind: 'shipped' as const,
        source: 'manufacturer' as const,
        date: s.ship_date,
        at: null,
        model: s.model,
        batch: s.batch,
        shippedTo: s.shipped_to,
      },
    })),
    ...input.sales.map((s) => ({
      sortAt: dayStart(s.sale_date),
      date: s.sale_date,
      event: {
        ...empty,
        ...none,
        id: `sale:${s.id}`,
        kind: SALE_KIND[s.event as keyof typeof SALE_KIND],
        source: 'retailer' as const,
        date: s.sale_date,
        at: null,
        retailer: s.retailer,
        orderId: s.order_id,
        channel: s.channel,
      },
    })),
    ...input.activations.map((a) => {
      const mine = a.account === owner;
      return {
        sortAt: a.at,
        // The local date where the record says it; Shoebox's own records could be on any side of midnight.
        date: a.local_time ? a.local_time.slice(0, 10) : iso(a.at + FURTHEST_ZONE_MS).slice(0, 10),
        event: {
          ...none,
          id: `activation:${a.id}`,
          kind: a.kind as FleetEvent['kind'],
          source: a.source === 'shoebox' ? ('shoebox' as const) : ('activation-records' as const),
          date: null,
          at: iso(a.at),
          localTime: a.local_time,
          account: a.account,
          byCurrentOwner: mine,
          place: mine || input.showAllPlaces ? parsePlace(a.place) : null,
          auditSeq: a.audit_seq,
        },
      };
    }),
  ];
  timed.sort((x, y) => x.sortAt - y.sortAt || ORDER.indexOf(x.event.kind) - ORDER.indexOf(y.event.kind));
  const { findings, passed } = judge(timed, input, owner);
  return { serial: input.serial, currentOwner: owner, events: timed.map((t) => t.event), findings, passed };
}

function judge(timed: Timed[], input: HistoryInput, owner: string | null) {
  const findings: FleetFinding[] = [];
  const passed: FleetFindingCode[] = [];
  const check = (code: FleetFindingCode, found: FleetFinding[]) => {
    if (found.length > 0) findings.push(...found);
    else passed.push(code);
  };
  const of = (kind: string) => timed.filter((t) => t.event.kind === kind);
  const sales = of('sold');
  const activations = of('activated');
  const external = activations.filter((a) => a.event.source !== 'shoebox');
  const known = input.shipments.length > 0 || input.sales.length > 0 || external.length > 0;
  if (!known) {
    findings.push(unknownSerial(input.serial, activations));
    return { findings, passed };
  }
  passed.push('unknown-serial');

  check('never-sold', sales.length === 0 ? [neverSold()] : []);
  check('sold-more-than-once', sales.length > 1 ? [soldMoreThanOnce(sales)] : []);
  const shippedTo = new Set(input.shipments.map((s) => key(s.shipped_to)));
  const unshipped = new Map<string, Timed[]>();
  for (const s of sales)
    if (!shippedTo.has(key(s.event.retailer ?? '')))
      unshipped.set(key(s.event.retailer ?? ''), [...(unshipped.get(key(s.event.retailer ?? '')) ?? []), s]);
  const shippedNames = input.shipments.map((s) => s.shipped_to);
  check(
    'sold-by-unshipped-retailer',
    [...unshipped.values()].map((list) => soldByUnshippedRetailer(list, shippedNames)),
  );

  const lastSale = sales.at(-1);
  const early = lastSale ? activations.filter((a) => (a.date ?? '') < (lastSale.date ?? '')) : [];
  check(
    'activated-before-sale',
    lastSale && early.length > 0 ? [activatedBeforeSale(early, lastSale, owner)] : [],
  );

  const ownerFirst = activations.find((a) => a.event.account === owner)?.sortAt ?? Infinity;
  const others = owner ? activations.filter((a) => a.event.account !== owner && a.sortAt < ownerFirst) : [];
  check('activated-by-another-account', others.length > 0 ? [activatedByAnotherAccount(others)] : []);
  return { findings, passed };
}

function latestActivator(activations: ActivationRecord[]): string | null {
  const activated = activations.filter((a) => a.kind === 'activated');
  const shoebox = activated.filter((a) => a.source === 'shoebox');
  return (shoebox.at(-1) ?? activated.at(-1))?.account ?? null;
}

function key(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

function dayStart(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS) * DAY_MS;
}

function parsePlace(text: string | null): Place | null {
  return text ? (JSON.parse(text) as Place) : null;
}
