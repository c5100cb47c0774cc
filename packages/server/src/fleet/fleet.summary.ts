// The device history as the explain report prints it (shared FleetSummary): one line per event, the findings as
// warnings, and the clean checks said out loud, because "no activation before its sale" is evidence too.
import type { DeviceHistory, FleetEvent, FleetFindingCode, FleetSummary } from '@shoebox/shared';

const CLEAN: Partial<Record<FleetFindingCode, (h: DeviceHistory) => string | null>> = {
  'activated-before-sale': (h) => {
    const sale = h.events.filter((e) => e.kind === 'sold').at(-1);
    return sale ? `No activation before its sale on ${sale.date} by ${sale.retailer}.` : null;
  },
  'activated-by-another-account': () => 'No other account activated it before its current owner.',
  'sold-more-than-once': (h) => (h.events.some((e) => e.kind === 'sold') ? 'Sold once.' : null),
  'sold-by-unshipped-retailer': (h) =>
    h.events.some((e) => e.kind === 'sold') ? 'Sold by a retailer it was shipped to.' : null,
};

export function fleetSummary(h: DeviceHistory): FleetSummary {
  return {
    serial: h.serial,
    timeline: h.events.map((e) => ({ at: e.date ?? e.at ?? '', kind: e.kind, detail: detail(e) })),
    findings: [
      ...h.findings.map((f) => ({ severity: 'warning', text: f.message })),
      ...h.passed.flatMap((code) => {
        const text = CLEAN[code]?.(h);
        return text ? [{ severity: 'info', text }] : [];
      }),
    ],
  };
}

function detail(e: FleetEvent): string {
  if (e.kind === 'shipped')
    return `shipped to ${e.shippedTo ?? '?'} (${e.model ?? '?'}${e.batch ? `, batch ${e.batch}` : ''})`;
  if (e.retailer)
    return `${e.kind} by ${e.retailer}, order ${e.orderId ?? '?'}${e.channel ? ` (${e.channel})` : ''}`;
  const who = e.byCurrentOwner ? 'the current owner' : `another account (${e.account ?? '?'})`;
  const source = e.source === 'shoebox' ? 'Shoebox' : 'earlier activation records';
  return `${e.kind} by ${who}${e.place ? ` at ${e.place.label}` : ''}, per ${source}`;
}
