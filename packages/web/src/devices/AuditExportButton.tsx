import { useState } from 'react';
import type { ExportProgress } from '@shoebox/shared/audit-export/build';
import { Icon } from '../components/Icon.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useMe } from '../session/session.tsx';
import { WitnessAlarm } from './audit-checkpoint.ts';
import './audit-export.css';

type State =
  | { phase: 'idle' }
  | { phase: 'busy'; progress: ExportProgress | null }
  | { phase: 'done'; file: string; events: number }
  | { phase: 'failed'; message: string };

/** "Download audit export": the file `shoebox audit verify` checks offline, built here with this browser's checkpoints. */
export function AuditExportButton() {
  const { t, tn, fmt } = useI18n();
  const me = useMe();
  const [state, setState] = useState<State>({ phase: 'idle' });

  const start = async () => {
    setState({ phase: 'busy', progress: null });
    try {
      // Loaded on first use: the export code never weighs on the app's start.
      const { downloadAuditExport } = await import('./audit-export-download.ts');
      const { doc, file } = await downloadAuditExport(me.account.email, (progress) =>
        setState({ phase: 'busy', progress }),
      );
      setState({ phase: 'done', file, events: doc.events.length });
    } catch (err) {
      const message =
        err instanceof WitnessAlarm
          ? t('export.alarm', { reason: t(`audit.alarm.${err.code}`) })
          : t('export.failed', { reason: err instanceof Error ? err.message : String(err) });
      setState({ phase: 'failed', message });
    }
  };

  const progress = state.phase === 'busy' ? state.progress : null;
  const step = (p: ExportProgress): string => {
    const done = fmt.number(p.done);
    const total = fmt.number(p.total ?? 0);
    switch (p.step) {
      case 'events':
        return t('export.step.events', { done });
      case 'checkpoint':
        return t('export.step.checkpoint');
      case 'proofs':
        return t('export.step.proofs', { done, total });
      case 'leaves':
        return t('export.step.leaves', { done, total });
    }
  };
  const percent = progress?.total
    ? Math.round((100 * Math.min(progress.done, progress.total)) / progress.total)
    : null;

  return (
    <div className="audit-export" data-testid="audit-export">
      <button type="button" className="button" onClick={() => void start()} disabled={state.phase === 'busy'}>
        <Icon name="download" width={18} height={18} />
        {t('export.button')}
      </button>
      <p className="audit-export__hint">{t('export.hint')}</p>
      {state.phase === 'busy' ? (
        <>
          <p role="status">{progress ? step(progress) : t('app.loading')}</p>
          <div
            className="progress"
            role="progressbar"
            aria-label={t('export.progress')}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent ?? undefined}
          >
            <div className="progress__bar" style={{ width: `${percent ?? 0}%` }} />
          </div>
        </>
      ) : null}
      {state.phase === 'done' ? (
        <p role="status">{tn('export.done', state.events, { file: state.file })}</p>
      ) : null}
      {state.phase === 'failed' ? (
        <p role="alert" className="audit-export__error">
          {state.message}
        </p>
      ) : null}
    </div>
  );
}
