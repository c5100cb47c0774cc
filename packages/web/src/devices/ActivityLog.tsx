import { useEffect, useRef, useState } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { failureText } from '../api/problem-text.ts';
import { withTimeout } from '../api/with-timeout.ts';
import { navigate } from '../app/router.tsx';
import { ActionDialog, ConfirmDialog } from '../components/Dialogs.tsx';
import { Icon } from '../components/Icon.tsx';
import { usePlaceName } from '../components/usePlaceName.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useMe } from '../session/session.tsx';
import { verifyAudit, type AuditVerdict } from './audit-verify.tsx';
import { AuditExportButton } from './AuditExportButton.tsx';
import { factorList } from './factor-text.ts';
import { LinkedEntry, useLinkedEntry } from './LinkedEntry.tsx';
import { RiskFlags } from './RiskFlags.tsx';
import { SignInMap } from './SignInMap.tsx';
import { ACTIVITY_KINDS } from '@shoebox/shared/api/activity-kinds';
import './risk.css';

type Activity = Schemas['ActivityItem'];

type Kind = (typeof ACTIVITY_KINDS)[number];
const isKind = (kind: string): kind is Kind => (ACTIVITY_KINDS as readonly string[]).includes(kind);
/** Entries per page of the history. */
const PAGE = 100;
/** How long a check of a page may take before it is reported as not made (a proof per entry, six at a time). */
const VERIFY_TIMEOUT_MS = 30_000;
// What a device's witness can report (packages/server/src/audit/audit.alarms.ts).
const ALARMS = [
  'rolled-back',
  'two-roots',
  'inconsistent',
  'bad-signature',
  'key-changed',
  'log-damaged',
] as const;
type Alarm = (typeof ALARMS)[number];
/** Detail values are free-form JSON: strings as written, anything else as JSON rather than "[object Object]". */
const detailText = (value: unknown): string =>
  typeof value === 'string' ? value : value == null ? '' : JSON.stringify(value);

const alarmOf = (item: Activity): Alarm | null => {
  const problem = item.detail['problem'];
  return item.kind === 'audit.alarm' && (ALARMS as readonly unknown[]).includes(problem)
    ? (problem as Alarm)
    : null;
};

/**
 * The verdict on more entries, merged into the one so far: each entry keeps its state, and any alarm stays — the log
 * itself failing (signature, consistency, a fork) outranks entries that failed, whichever page found it.
 */
const merge = (so: AuditVerdict | null, more: AuditVerdict): AuditVerdict => {
  if (!so) return more;
  const logAlarm = [so.alarm, more.alarm].find((a) => a && a.code !== 'entries');
  return {
    ...so,
    alarm: logAlarm ?? so.alarm ?? more.alarm,
    entries: new Map([...so.entries, ...more.entries]),
  };
};

/** Focuses the password form of the security page (the link has already scrolled to it). */
function focusPasswordForm() {
  const section = document.getElementById('sec-password')?.closest('section');
  section?.querySelector<HTMLInputElement>('input')?.focus();
}

/** The sign-in history, page by page, each entry checked in this browser against the signed audit log. */
export function ActivityLog() {
  const { t, tn, fmt, locale } = useI18n();
  const reason = (err: unknown) => failureText({ t, locale }, err);
  const nameOf = usePlaceName();
  const [items, setItems] = useState<Activity[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [verdict, setVerdict] = useState<AuditVerdict | null>(null);
  const [verifyError, setVerifyError] = useState<string | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<string | null>(null);
  const [disowning, setDisowning] = useState<Activity['device']>(null);
  const [passwordHelp, setPasswordHelp] = useState(false);
  const mounted = useRef(true);
  const [disowned, setDisowned] = useState<string | null>(null);
  const me = useMe();
  const linked = useLinkedEntry(items !== null);

  /**
   * Checks a page's entries like the first page's, in the background; a failure is "could not verify". One check
   * at a time: each keeps the checkpoint it verified, and a slower earlier one must not keep an older one last.
   */
  const checks = useRef<Promise<void>>(Promise.resolve());
  const verify = (page: readonly Activity[]) => {
    checks.current = checks.current.then(async () => {
      // A server that never answers must not hold up every later check (they wait in line) nor leave no word.
      const result = await withTimeout(verifyAudit(page), VERIFY_TIMEOUT_MS, () =>
        t('audit.verifyTimedOut', { seconds: VERIFY_TIMEOUT_MS / 1000 }),
      ).catch((err: unknown) => {
        if (mounted.current) setVerifyError(reason(err));
        return null;
      });
      if (mounted.current && result) setVerdict((so) => merge(so, result));
    });
    return checks.current;
  };
  /** After a check could not be made (network, server): checks every entry shown again. */
  const verifyAgain = () => {
    setVerifyError(null);
    void verify(items ?? []);
  };

  useEffect(() => {
    mounted.current = true;
    call(api.GET('/activity', { params: { query: { limit: PAGE } } }))
      .then((page) => {
        if (!mounted.current) return;
        setItems(page.items);
        setCursor(page.nextCursor);
        void verify(page.items);
      })
      .catch((err: unknown) => {
        if (mounted.current) setError(reason(err));
      });
    return () => {
      mounted.current = false;
    };
    // Loads once, when the section opens.
  }, []);

  const showOlder = async () => {
    if (!cursor || loadingOlder) return;
    setLoadingOlder(true);
    setOlderError(null);
    try {
      const page = await call(api.GET('/activity', { params: { query: { limit: PAGE, cursor } } }));
      if (!mounted.current) return;
      // An entry already shown (the log grew meanwhile) is not shown twice.
      setItems((so) => {
        const seen = new Set((so ?? []).map((i) => i.id));
        return [...(so ?? []), ...page.items.filter((i) => !seen.has(i.id))];
      });
      setCursor(page.nextCursor);
      void verify(page.items);
    } catch (err) {
      if (mounted.current) setOlderError(reason(err));
    } finally {
      if (mounted.current) setLoadingOlder(false);
    }
  };

  const staffText = (item: Activity) =>
    t('activity.staffDetail', {
      reason: detailText(item.detail['reason']),
      scope: detailText(item.detail['scope']),
    });

  return (
    <section className="card security__section" aria-labelledby="sec-activity">
      <h2 id="sec-activity">{t('security.activity.title')}</h2>
      {verdict?.alarm ? (
        <div className="audit-alarm" role="alert" data-testid="audit-alarm">
          <Icon name="warning" />
          <div>
            <strong>{t('audit.alarm.title')}</strong>
            <p>{t(`audit.alarm.${verdict.alarm.code}`)}</p>
            <p className="mono">{verdict.alarm.detail}</p>
          </div>
        </div>
      ) : null}
      {verdict && !verdict.alarm && !verifyError ? (
        <p className="audit-ok" role="status" data-testid="audit-ok">
          <Icon name="shield" width={18} height={18} />
          {verdict.previousSize > 0
            ? t('audit.ok.extends', { size: verdict.size, previous: verdict.previousSize })
            : tn('audit.ok.first', verdict.size)}
        </p>
      ) : null}
      {disowned ? (
        <p role="status" className="notice">
          {disowned} {t('notMe.next')}
        </p>
      ) : null}
      {disowning ? (
        <ConfirmDialog
          title={t('notMe.title')}
          body={t('activity.notMeBody', { name: disowning.name })}
          confirmLabel={t('notMe.confirm')}
          onClose={() => setDisowning(null)}
          onConfirm={async () => {
            const result = await call(api.POST('/security/not-me', { body: { deviceId: disowning.id } }));
            setDisowning(null);
            setDisowned(t('notMe.done', { sessions: result.endedSessions }));
          }}
        />
      ) : null}
      {passwordHelp ? (
        <ActionDialog
          title={t('activity.notMeNoDevice.title')}
          submitLabel={t('activity.notMeNoDevice.confirm')}
          onClose={() => setPasswordHelp(false)}
          onSubmit={() => {
            setPasswordHelp(false);
            // The password form is on the security page (router: /security), under #sec-password.
            if (window.location.pathname === '/security') {
              document.getElementById('sec-password')?.scrollIntoView({ block: 'start' });
              history.replaceState(history.state, '', '/security#sec-password');
            } else navigate('/security#sec-password');
            requestAnimationFrame(focusPasswordForm);
            return Promise.resolve();
          }}
        >
          <p>{t('activity.notMeNoDevice.body')}</p>
        </ActionDialog>
      ) : null}
      {verifyError ? (
        <p role="alert" className="audit-unverified">
          {t('audit.couldNotVerify', { reason: verifyError })}{' '}
          <button type="button" className="button button--ghost" onClick={verifyAgain}>
            {t('audit.verifyAgain')}
          </button>
        </p>
      ) : null}
      <AuditExportButton />
      {error ? <p role="alert">{t('toast.failed', { reason: error })}</p> : null}
      {items === null && !error ? <Spinner label={t('app.loading')} /> : null}
      {items ? <SignInMap items={items} /> : null}
      {items && linked && !items.some((i) => i.id === linked) ? <LinkedEntry seq={linked} /> : null}
      {items ? (
        <ul className="activity" data-testid="activity">
          {items.map((item) => {
            const state = verdict?.entries.get(item.id);
            const alarm = alarmOf(item);
            const failed = item.result === 'failure' || item.kind === 'audit.alarm';
            // "This wasn't me" acts on the device that did it: for a removal or an ended session, the other device
            // that did it; for an enrolment, the device let in (or refused), not the one that decided — an owner who
            // allowed a stranger by mistake disowns the stranger. Never on this browser itself.
            const byActs =
              (item.kind === 'device.removed' || item.kind === 'session.ended') && !!item.byDeviceId;
            const actor = byActs ? item.byDevice : item.device;
            const doneHere = (byActs ? item.byDeviceId : item.device?.id) === me.device.id;
            return (
              <li
                key={item.id}
                data-seq={item.id}
                tabIndex={item.id === linked ? -1 : undefined}
                className={`activity__item${failed ? ' is-failure' : ''}${item.kind === 'audit.alarm' ? ' is-alarm' : ''}${item.id === linked ? ' is-linked' : ''}`}
              >
                <strong>{isKind(item.kind) ? t(`activity.kind.${item.kind}`) : item.kind}</strong>
                {state ? (
                  <span className={`audit-state audit-state--${state}`} data-testid="audit-state">
                    {t(`audit.state.${state}`)}
                  </span>
                ) : null}
                <span>
                  {' '}
                  · {item.device?.name ?? t('devices.unknown')}
                  {/* Some entries record the address only (an approval, a denial): no "Unknown" place beside it. */}
                  {item.place ? ` · ${nameOf(item.place)}` : ''}
                  {item.ip ? ` · ${item.ip}` : ''} · {fmt.dateTime(item.at)}
                </span>
                {item.factors.length > 0 ? (
                  <span data-testid="activity-factors">
                    {' '}
                    · {t('activity.factors', { factors: factorList({ t, locale }, item.factors) })}
                  </span>
                ) : null}
                {item.kind === 'audit.alarm' ? (
                  <div className="audit-alarm" role="alert" data-testid="activity-alarm">
                    <Icon name="warning" />
                    <div>
                      {alarm ? <p>{t(`activity.alarm.${alarm}`)}</p> : null}
                      <p>{t('activity.alarm.detail', { detail: detailText(item.detail['detail']) })}</p>
                    </div>
                  </div>
                ) : null}
                {item.kind === 'staff.accessed' ? (
                  <p className="activity__detail">{staffText(item)}</p>
                ) : null}
                <RiskFlags flags={item.riskFlags} />
                {actor && !doneHere ? (
                  <button type="button" className="link-button" onClick={() => setDisowning(actor)}>
                    {t('notMe.title')}
                  </button>
                ) : null}
                {actor || doneHere ? null : (
                  <button
                    type="button"
                    className="link-button"
                    data-testid="not-me-password"
                    onClick={() => setPasswordHelp(true)}
                  >
                    {t('activity.notMeNoDevice.title')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      ) : null}
      {items && cursor ? (
        <button
          type="button"
          className="button"
          data-testid="activity-older"
          disabled={loadingOlder}
          aria-busy={loadingOlder}
          onClick={() => void showOlder()}
        >
          {loadingOlder ? t('activity.loadingOlder') : t('activity.showOlder')}
        </button>
      ) : null}
      {olderError ? <p role="alert">{t('activity.olderFailed', { reason: olderError })}</p> : null}
    </section>
  );
}
