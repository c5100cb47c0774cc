import { useEffect, useState } from 'react';
import { api, call, type Photo, type Schemas } from '../api/client.tsx';
import { failureText } from '../api/problem-text.ts';
import { Link } from '../app/router.tsx';
import { EntryLink } from './EntryLink.tsx';
import { RiskFlags, type RiskFlag } from '../devices/RiskFlags.tsx';
import { useFindingText } from '../components/useFindingText.tsx';
import { usePlaceName } from '../components/usePlaceName.tsx';
import { useI18n } from '../i18n/i18n.tsx';

// Only the fields shown: the generated types' `cite` intersections do not compare across openapi-fetch's mapping.
type Place = Schemas['Place'];
/** The audit entry a part of the sentence rests on; each part links to it in the activity. */
interface Cite {
  seq: number;
}
interface SignIn {
  at: string;
  place: Place;
  cite: Cite;
  riskFlags: RiskFlag[];
  approval: { by: 'device' | 'first-device'; deviceName: string | null; cite: Cite } | null;
}
interface EvidenceDevice {
  name: string;
  model: string | null;
}
interface PhotoProvenance {
  device: EvidenceDevice | null;
  upload: { at: string; ip: string | null; place: Place; cite: Cite | null };
  signIn: SignIn | null;
  anomalies: string[];
  anomalyCodes?: string[];
}
interface Report {
  findings: Schemas['ExplainFinding'][];
  groups: {
    origin: Schemas['ExplainGroup']['origin'];
    device: EvidenceDevice | null;
    signIn: SignIn | null;
    photos: { reasons?: string[]; reasonCodes?: string[] }[];
  }[];
  logSize: number;
}

/**
 * The provenance sentence from `GET /api/photos/{id}/provenance`: the device, when and where it uploaded, and the
 * sign-in it used (when, where, who approved it). Until that arrives, the photo record's own upload facts.
 */
export function Provenance({ photo }: { photo: Photo }) {
  const { t, fmt, locale } = useI18n();
  const say = useFindingText();
  const nameOf = usePlaceName();
  const [evidence, setEvidence] = useState<PhotoProvenance | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [explaining, setExplaining] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setEvidence(null);
    setReport(null);
    call(api.GET('/photos/{id}/provenance', { params: { path: { id: photo.id } } }))
      .then((value) => {
        if (live) setEvidence(value);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [photo.id]);

  const unknownPlace = t('info.unknownPlace');
  // The server names places in English; the reader's language names the country (and the local network).
  const where = (place: Place | undefined) => (place ? nameOf(place) : unknownPlace);
  const named = (name: string | null | undefined, model: string | null | undefined) =>
    name ? (model ? `${name} (${model})` : name) : t('info.unknownDevice');
  const upload = evidence?.upload;
  const uploadPlace = upload ? upload.place : photo.upload.place;
  const ip = upload?.ip ?? photo.upload.ip;
  const parts = [
    t('info.uploadedFrom', {
      device: evidence
        ? named(evidence.device?.name, evidence.device?.model)
        : named(photo.upload.deviceName, photo.upload.deviceModel),
    }),
    t('info.uploadedOn', { date: fmt.dateTime(upload?.at ?? photo.upload.uploadedAt) }),
    // Neither place nor address: a photo shared in by another account, whose upload place is that account's.
    ...(uploadPlace || ip ? [t('info.uploadedAt', { place: where(uploadPlace ?? undefined) })] : []),
  ].join(' ');
  const signIn = evidence?.signIn;
  let session: string | null = null;
  let approval: string | null = null;
  if (signIn) {
    session = t('info.signedIn', { date: fmt.date(signIn.at), place: where(signIn.place) });
    if (signIn.approval) {
      approval = t('info.approvedBy', {
        device:
          signIn.approval.by === 'first-device'
            ? t('info.firstDevice')
            : named(signIn.approval.deviceName, null),
      });
    }
  }

  const explain = async () => {
    setExplaining(true);
    setError(null);
    try {
      setReport(await call(api.GET('/explain', { params: { query: { photo: photo.id } } })));
    } catch (err) {
      setError(failureText({ t, locale }, err));
    } finally {
      setExplaining(false);
    }
  };

  return (
    <>
      <p className="info__primary provenance" data-testid="provenance">
        <EntryLink cite={upload?.cite}>{parts}</EntryLink>
        {ip ? <span className="info__ip"> · {ip}</span> : null}
        {session ? (
          <span>
            {' · '}
            <EntryLink cite={signIn?.cite}>{session}</EntryLink>
            {approval ? <EntryLink cite={signIn?.approval?.cite}>{approval}</EntryLink> : null}
          </span>
        ) : null}
      </p>
      {signIn ? <RiskFlags flags={signIn.riskFlags} /> : null}
      {evidence?.anomalies.length ? (
        <ul className="info__problems" data-testid="provenance-anomalies">
          {evidence.anomalies.map((a, i) => {
            const reason = say.reason(evidence.anomalyCodes?.[i], a);
            return (
              <li key={a} lang={reason.english ? 'en' : undefined}>
                {reason.text}
              </li>
            );
          })}
        </ul>
      ) : null}
      <p className="info__actions">
        <button
          type="button"
          className="link-button info__link"
          disabled={explaining}
          onClick={() => void explain()}
        >
          {t('info.whyHere')}
        </button>
        <Link href={`/photos/${encodeURIComponent(photo.id)}/explain`} className="info__link">
          {t('explain.link.photo')}
        </Link>
      </p>
      {error ? <p role="alert">{t('toast.failed', { reason: error })}</p> : null}
      {report ? <ExplainSummary report={report} /> : null}
    </>
  );
}

/** The explain report for one photo, as sentences: its findings first, then where it came from. */
function ExplainSummary({ report }: { report: Report }) {
  const { t, tn, fmt } = useI18n();
  const say = useFindingText();
  const nameOf = usePlaceName();
  return (
    <div className="explain" data-testid="explain" role="region" aria-label={t('info.whyHere')}>
      {report.findings.length > 0 ? (
        <ul className="explain__findings">
          {report.findings.map((f, i) => (
            <li key={i} className={`explain__finding explain__finding--${f.severity}`}>
              {t(`explain.severity.${f.severity}`)}: {say.explain(f).text}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('explain.noFindings')}</p>
      )}
      {report.groups.map((group, i) => (
        <div key={i} className="explain__group">
          <p className="info__secondary">
            {t(`explain.origin.${group.origin}`)}
            {group.device
              ? ` · ${group.device.name}${group.device.model ? ` (${group.device.model})` : ''}`
              : ''}
            {group.signIn
              ? ` · ${t('info.signedIn', { date: fmt.date(group.signIn.at), place: group.signIn.place ? nameOf(group.signIn.place) : t('info.unknownPlace') })}`
              : ''}
          </p>
          {group.signIn ? <RiskFlags flags={group.signIn.riskFlags} /> : null}
          {group.photos
            .flatMap((p) => (p.reasons ?? []).map((r, i) => say.reason(p.reasonCodes?.[i], r).text))
            .map((r) => (
              <p key={r} className="info__secondary">
                {r}
              </p>
            ))}
        </div>
      ))}
      <p className="info__secondary">{tn('explain.logSize', report.logSize)}</p>
    </div>
  );
}
