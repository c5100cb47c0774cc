// Each fleet finding as a code with its facts (params, for clients to word in their reader's language) and the
// English message the CLI prints. Pure: fleet.findings.ts decides which findings there are.
import type { FleetEvent, FleetFinding } from '@shoebox/shared';

/** A timeline event as the checks see it: `date` is its local calendar date. */
export interface DatedEvent {
  event: FleetEvent;
  date: string | null;
}

export function unknownSerial(serial: string, activations: DatedEvent[]): FleetFinding {
  const shoeboxOnly = activations.length > 0;
  const what = shoeboxOnly ? 'Only Shoebox’s own activations know' : 'No record knows';
  return {
    code: 'unknown-serial',
    params: { serial, shoeboxOnly },
    message: `${what} serial ${serial}: no manufacturer shipment, retailer sale or earlier activation is on file.`,
    events: activations.map((a) => a.event.id),
  };
}

export function neverSold(): FleetFinding {
  return {
    code: 'never-sold',
    params: {},
    message: 'No retailer ever recorded selling this unit.',
    events: [],
  };
}

export function soldMoreThanOnce(sales: DatedEvent[]): FleetFinding {
  return {
    code: 'sold-more-than-once',
    params: { count: sales.length, sales: sales.map((s) => ({ date: s.date, retailer: s.event.retailer })) },
    message: `Sold ${sales.length} times: ${sales.map((s) => `${s.date} by ${s.event.retailer}`).join(', ')}.`,
    events: sales.map((s) => s.event.id),
  };
}

export function soldByUnshippedRetailer(list: DatedEvent[], shippedTo: string[]): FleetFinding {
  const retailer = list[0]?.event.retailer ?? null;
  return {
    code: 'sold-by-unshipped-retailer',
    params: { retailer, shippedTo },
    message:
      shippedTo.length === 0
        ? `Sold by ${retailer}, but no shipment of this unit is on file.`
        : `Sold by ${retailer}, which it was never shipped to (shipped to ${shippedTo.join(', ')}).`,
    events: list.map((s) => s.event.id),
  };
}

export function activatedBeforeSale(
  early: DatedEvent[],
  sale: DatedEvent,
  owner: string | null,
): FleetFinding {
  const first = early[0];
  const account = first?.event.account ?? null;
  return {
    code: 'activated-before-sale',
    params: {
      count: early.length,
      saleDate: sale.date,
      retailer: sale.event.retailer,
      firstDate: first?.date ?? null,
      account,
      byCurrentOwner: account !== null && account === owner,
    },
    message: `Activated ${early.length === 1 ? 'once' : `${early.length} times`} before its sale on ${sale.date} by ${sale.event.retailer} (first on ${first?.date}${describeAccount(account, owner)}): a display, returned or second-hand unit.`,
    events: [...early.map((a) => a.event.id), sale.event.id],
  };
}

export function activatedByAnotherAccount(others: DatedEvent[]): FleetFinding {
  const accounts = new Set(others.map((o) => o.event.account)).size;
  const first = others[0]?.event;
  return {
    code: 'activated-by-another-account',
    params: { accounts, firstAt: first?.at ?? null, account: first?.account ?? null },
    message: `Activated by ${accounts === 1 ? 'another account' : 'other accounts'} before the current owner (first at ${first?.at}, account ${first?.account}).`,
    events: others.map((o) => o.event.id),
  };
}

function describeAccount(account: string | null, owner: string | null): string {
  if (!account) return '';
  return account === owner ? ', by the current owner' : `, by account ${account}`;
}
