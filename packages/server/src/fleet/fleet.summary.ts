// The device history as the explain report prints it (shared FleetSummary): one line per event, the findings as
// warnings, and the clean checks said out loud, because "no activation before its sale" is evidence too.
import type {
  DeviceHistory,
  FindingParams,
  FleetEvent,
  FleetFindingCode,
  FleetSummary,
  FleetSummaryCode,
} from '@shoebox/shared';

type Clean = { params: FindingParams; text: string } | null;
type PassedCode = Extract<FleetSummaryCode, `passed-${string}`>;

const CLEAN: Partial<Record<FleetFindingCode, [PassedCode, (h: DeviceHistory) => Clean]>> = {
  'activated-before-sale': [
    'passed-activated-before-sale',
    (h) => {
      const sale = h.events.filter((e) => e.kind === 'sold').at(-1);
      return sale
        ? {
            params: { saleDate: sale.date, retailer: sale.retailer },
            text: `No activation before its sale on ${sale.date} by ${sale.retailer}.`,
          }
        : null;
    },
  ],
  'activated-by-another-account': [
    'passed-activated-by-another-account',
    () => ({ params: {}, text: 'No other account activated it before its current owner.' }),
  ],
  'sold-more-than-once': [
    'passed-sold-more-than-once',
    (h) => (h.events.some((e) => e.kind === 'sold') ? { params: {}, text: 'Sold once.' } : null),
  ],
  'sold-by-unshipped-retailer': [
    'passed-sold-by-unshipped-retailer',
    (h) =>
      h.events.some((e) => e.kind === 'sold')
        ? { params: {}, text: 'Sold by a retailer it was shipped to.' }
        : null,
  ],
};

export function fleetSummary(h: DeviceHistory): FleetSummary {
  return {
    serial: h.serial,
    timeline: h.events.map((e) => ({ at: e.date ?? e.at ?? '', kind: e.kind, detail: detail(e) })),
    findings: [
      ...h.findings.map((f) => ({ severity: 'warning', code: f.code, params: f.params, text: f.message })),
      ...h.passed.flatMap((code) => {
        const clean = CLEAN[code];
        const found = clean?.[1](h);
        return clean && found ? [{ severity: 'info', code: clean[0], ...found }] : [];
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
