import type { Command } from 'commander';
import type { AuditCitation, ExplainGroup, ExplainReport, SignInEvidence } from '@shoebox/shared';
import { verifyCitations, type CitationCheck, type CitationSubjects } from '../audit-citations.ts';
import { commandContext } from '../context.ts';
import { wholeNumber } from '../options.ts';

interface ExplainOptions {
  device?: string;
  photo?: string;
  all?: boolean;
  limit: number;
  account?: string;
  reason?: string;
}

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('Why each photo is on a device: grouped by origin, anomalies first, every claim proven')
    .option('--device <id>', 'explain another device of the account (default: this one)')
    .option('--photo <id>', 'explain one photo')
    .option('--all', 'the whole library, not only what was delivered to the device')
    .option('--limit <n>', 'photos listed per group', wholeNumber(0, 100_000), 20)
    .option(
      '--account <id>',
      'support staff: another account (with --device and --reason; the owner is told)',
    )
    .option('--reason <text>', 'support staff: why you are looking (recorded in the account’s audit log)')
    .action(async (options: ExplainOptions, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      const report = await client.request<ExplainReport>('GET', '/explain', {
        query: {
          device: options.device,
          photo: options.photo,
          scope: options.all ? 'library' : 'delivered',
          limit: options.limit,
          account: options.account,
          reason: options.reason,
        },
      });
      if (options.account && options.account !== ctx.state.accountId) {
        // Staff hold no key to the account's entries: its owner checks them with `shoebox explain` or `audit check`.
        const unchecked = { checked: 0, cited: citationsOf(report).length, size: report.logSize };
        ctx.out.result({ ...report, verified: unchecked }, () => describeReport(report, unchecked));
        return;
      }
      // Nothing is repeated before the entries it rests on are checked against our own checkpoint.
      const proof = await verifyCitations(client, ctx.home, citationsOf(report), uploadSubjects(report));
      ctx.out.result({ ...report, verified: proof }, () => describeReport(report, proof));
    });
}

export function citationsOf(r: ExplainReport): AuditCitation[] {
  const signIn = (s: SignInEvidence | null) =>
    s ? [s.cite, ...(s.enrolment ? [s.enrolment.cite] : []), ...(s.approval ? [s.approval.cite] : [])] : [];
  return [
    ...signIn(r.deviceSignIn),
    ...r.findings.flatMap((f) => f.cites),
    ...r.groups.flatMap((g) => [
      ...signIn(g.signIn),
      ...g.photos.flatMap((p) => [...(p.cite ? [p.cite] : []), ...(p.deliveryCite ? [p.deliveryCite] : [])]),
    ]),
  ];
}

/** Each listed photo's upload entry must be the upload of that very photo and content, not just any upload. */
function uploadSubjects(r: ExplainReport): CitationSubjects {
  const photos = r.groups.flatMap((g) => g.photos).filter((p) => p.cite?.kind === 'photo.uploaded');
  return new Map(photos.map((p) => [p.cite?.seq ?? -1, { photoId: p.photoId, sha256: p.sha256 }]));
}

const cites = (list: AuditCitation[]) =>
  list.length ? ` [${[...new Set(list.map((c) => c.seq))].join(', ')}]` : '';

/** The risk signals of a sign-in in words (as the web and the owner's notice name them), or nothing. */
const RISK_WORDS: Record<string, string> = {
  'new-country': 'new country',
  'impossible-travel': 'impossible travel',
  'concurrent-far-session': 'distant session in use',
  'dormant-account': 'first sign-in in 90 days',
  'copied-installation-id': 'copied device id',
};
export const riskText = (flags: readonly string[] | undefined): string =>
  flags?.length ? ` — UNUSUAL: ${flags.map((f) => RISK_WORDS[f] ?? f).join(', ')}` : '';

function describeSignIn(s: SignInEvidence | null, indent: string): string[] {
  if (!s) return [`${indent}no sign-in on record`];
  const where = `${s.ip ?? '?'}${s.place ? ` (${s.place.label})` : ''}`;
  const lines = [
    `${indent}signed in   ${s.at} from ${where} with ${s.factors.join('+') || '?'}${riskText(s.riskFlags)}${cites([s.cite])}`,
  ];
  if (s.enrolment)
    lines.push(
      `${indent}enrolment   requested ${s.enrolment.at} from ${s.enrolment.ip ?? '?'}${s.enrolment.place ? ` (${s.enrolment.place.label})` : ''}${cites([s.enrolment.cite])}`,
    );
  const a = s.approval;
  lines.push(
    !a
      ? `${indent}approved    NEVER`
      : a.by === 'first-device'
        ? `${indent}approved    as the account’s first device${cites([a.cite])}`
        : `${indent}approved    ${a.at} from “${a.deviceName ?? a.deviceId ?? '?'}” with ${a.factor ?? '?'}${cites([a.cite])}`,
  );
  return lines;
}

function describeGroup(g: ExplainGroup): string[] {
  const title = {
    anomaly: 'ANOMALY — no matching upload, session or enrolment in this account’s log',
    'this-device': 'Uploaded by this device',
    'other-device': `Uploaded by another device of this account: “${g.device?.name ?? '?'}”${g.device?.model ? ` (${g.device.model}${g.device.serial ? `, serial ${g.device.serial}` : ''})` : ''}`,
    'shared-in': 'Shared in by another account',
  }[g.origin];
  const lines = [`${title}: ${g.count} photo(s)`];
  if (g.origin === 'other-device') lines.push(...describeSignIn(g.signIn, '  '));
  if (g.places.length)
    lines.push(
      `  from        ${g.places.map((p) => `${p.label} ×${p.count} (${p.first} … ${p.last})`).join('; ')}`,
    );
  for (const p of g.photos) {
    const delivered = p.deliveredAt
      ? `, delivered ${p.deliveredAt}${cites(p.deliveryCite ? [p.deliveryCite] : [])}`
      : '';
    lines.push(
      `  ${p.photoId}  uploaded ${p.uploadedAt} from ${p.ip ?? '?'}${p.place ? ` (${p.place.label})` : ''}${cites(p.cite ? [p.cite] : [])}${delivered}`,
    );
    if (p.reasons) lines.push(...p.reasons.map((r) => `      ! ${r}`));
  }
  if (g.photos.length < g.count) lines.push(`  … and ${g.count - g.photos.length} more (--limit)`);
  return lines;
}

/** A device's own uploads reached it without any sync delivery: say so rather than "delivered to it". */
function scopeText(r: ExplainReport): string {
  if (r.scope === 'library') return `${r.total} photo(s) in the whole library`;
  if (r.scope === 'photo') return `${r.total} photo(s) asked about`;
  const own = r.groups.filter((g) => g.origin === 'this-device').reduce((n, g) => n + g.count, 0);
  const delivered = r.total - own;
  if (own === 0) return `${delivered} photo(s) delivered to it`;
  if (delivered === 0) return `${own} photo(s) uploaded by this device`;
  return `${r.total} photo(s): ${own} uploaded by this device, ${delivered} delivered to it`;
}

/**
 * How a finding is headed. A `warning` here is something for the owner to check (photos from another device of the
 * account), not a fault: headed WARNING under "no anomalies", owners read it as one.
 */
const FINDING_LABEL: Record<ExplainReport['findings'][number]['severity'], string> = {
  anomaly: 'ANOMALY',
  warning: 'CHECK',
  info: 'INFO',
};

function describeReport(r: ExplainReport, proof: CitationCheck): string[] {
  const d = r.device;
  return [
    `Device “${d.name}”${d.model ? ` (${d.model})` : ''}${d.serial ? `, serial ${d.serial}` : ''}: ${scopeText(r)}`,
    ...describeSignIn(r.deviceSignIn, '  '),
    ...(r.fleet
      ? [
          'Device history',
          ...r.fleet.timeline.map((t) => `  ${t.at}  ${t.kind}  ${t.detail}`),
          ...r.fleet.findings.map((f) => `  ${f.severity.toUpperCase()}: ${f.text}`),
        ]
      : []),
    '',
    'Findings',
    ...r.findings.map((f) => `  ${FINDING_LABEL[f.severity]}: ${f.text}${cites(f.cites)}`),
    ...r.groups.flatMap((g) => ['', ...describeGroup(g)]),
    '',
    `[n] = audit log entry; ${proof.checked} of ${proof.cited} cited entries verified against checkpoint ${proof.size}.`,
  ];
}
