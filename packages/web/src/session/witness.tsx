// This browser as a witness of the server's audit log, like every trusted device (issue 5): it checks the latest
// checkpoint against the one it kept when the app starts and whenever the live channel says the library changed,
// at most every 30 s (one checkpoint and one consistency proof), and an alarm stays on every page until reload.
import { useEffect, useSyncExternalStore } from 'react';
import { Link } from '../app/router.tsx';
import { Icon } from '../components/Icon.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { CaughtAlarm } from './witness-check.ts';
import './witness.css';

const MIN_GAP_MS = 30_000;
/**
 * The Security page verifies the log itself when it opens (devices/audit-verify.tsx) and says how far the new
 * checkpoint extends the one kept before; opened there, the first round waits rather than racing it (it then finds
 * the same checkpoint kept, or the same failure, which it reports).
 */
const AFTER_SECURITY_PAGE_MS = 10_000;

let alarm: CaughtAlarm | null = null;
let lastRun = 0;
let running: Promise<void> | null = null;
let timer = 0;
const listeners = new Set<() => void>();

function run(): void {
  if (running || alarm) return;
  lastRun = Date.now();
  running = import('./witness-check.ts')
    .then((m) => m.witnessOnce())
    .then((caught) => {
      if (!caught) return;
      alarm = caught;
      for (const listener of listeners) listener();
    })
    // A refused or failed request proves nothing; the next change or start tries again.
    .catch(() => undefined)
    .finally(() => {
      running = null;
    });
}

/** The library changed: witness now, or when the 30 s since the last round are up (the last change is covered). */
export function nudgeWitness(): void {
  if (timer) return;
  const wait = Math.max(0, lastRun + MIN_GAP_MS - Date.now());
  timer = window.setTimeout(() => {
    timer = 0;
    run();
  }, wait);
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Witnesses once on start, then shows the alarm, if any, as a banner on every page. */
export function WitnessBanner() {
  const { t } = useI18n();
  const caught = useSyncExternalStore(subscribe, () => alarm);
  useEffect(() => {
    if (Date.now() - lastRun < MIN_GAP_MS) return;
    const first = window.setTimeout(run, location.pathname === '/security' ? AFTER_SECURITY_PAGE_MS : 0);
    return () => window.clearTimeout(first);
  }, []);
  if (!caught) return null;
  return (
    <div className="witness-alarm" role="alert" data-testid="witness-alarm">
      <Icon name="warning" />
      <div>
        <strong>{t('witness.title')}</strong>
        <p>{t(`witness.problem.${caught.code}`)}</p>
        <p className="witness-alarm__detail">{caught.detail}</p>
        <p>
          {'seq' in caught.report
            ? t('witness.reported', { seq: caught.report.seq })
            : t('witness.notReported', { reason: caught.report.failed })}{' '}
          <Link href="/security">{t('witness.seeActivity')}</Link>
        </p>
      </div>
    </div>
  );
}
