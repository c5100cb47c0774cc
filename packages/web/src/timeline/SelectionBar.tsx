import type { ReactNode } from 'react';
import { mediaUrl } from '../api/client.tsx';
import { Icon, type IconName } from '../components/Icon.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export interface SelectionAction {
  icon: IconName;
  label: string;
  run: () => void;
  tone?: 'danger';
}

/** The bar that replaces the page heading while photos are selected. */
export function SelectionBar({
  count,
  actions,
  onClear,
}: {
  count: number;
  actions: SelectionAction[];
  onClear: () => void;
}): ReactNode {
  const { t, tn } = useI18n();
  if (count === 0) return null;
  return (
    <div className="selection-bar" role="toolbar" aria-label={t('select.toolbar')}>
      <button type="button" className="icon-button" onClick={onClear} aria-label={t('select.clear')}>
        <Icon name="close" />
      </button>
      <span className="selection-bar__count" aria-live="polite">
        {tn('select.count', count)}
      </span>
      <div className="selection-bar__actions">
        {actions.map((action) => (
          <button
            key={action.label}
            type="button"
            className={`button button--ghost${action.tone === 'danger' ? ' button--danger' : ''}`}
            onClick={action.run}
          >
            <Icon name={action.icon} />
            <span className="selection-bar__label">{action.label}</span>
          </button>
        ))}
      </div>
    </div>
  );
}

/** Downloads originals one after another (browsers drop bursts of simultaneous downloads). */
export function downloadOriginals(ids: readonly string[]): void {
  ids.forEach((id, i) => {
    window.setTimeout(() => {
      const a = document.createElement('a');
      a.href = mediaUrl(id, 'original', { download: true });
      a.download = '';
      document.body.append(a);
      a.click();
      a.remove();
    }, i * 400);
  });
}
