import { shownCites } from './Citations.tsx';
import { rowsOf } from './GroupCard.tsx';
import type { Citation, ExplainReport, SignInEvidence } from './report-types.ts';

const signInCites = (s: SignInEvidence | null): (Citation | null)[] =>
  s ? [s.cite, s.enrolment?.cite ?? null, s.approval?.cite ?? null] : [];

/** Every citation the page shows as a link, each statement's in the same order and number as CiteLinks shows them. */
export function pageCites(report: ExplainReport): Citation[] {
  const out: Citation[] = [];
  for (const f of report.findings) out.push(...shownCites(f.cites));
  for (const c of signInCites(report.deviceSignIn)) out.push(...shownCites([c]));
  for (const g of report.groups) {
    for (const c of signInCites(g.signIn)) out.push(...shownCites([c]));
    out.push(...shownCites([g.sharedIn?.cite ?? null]));
    for (const p of rowsOf(g)) out.push(...shownCites([p.cite, p.deliveryCite]));
  }
  return out;
}
