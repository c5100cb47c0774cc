import type { Schemas } from '../api/client.tsx';
import { Icon } from '../components/Icon.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import './risk.css';

export type RiskFlag = Schemas['RiskFlag'];

/** The risk signals of a sign-in as warning pills; each explains itself in its tooltip and accessible name. */
export function RiskFlags({ flags }: { flags: readonly RiskFlag[] }) {
  const { t } = useI18n();
  if (flags.length === 0) return null;
  return (
    <ul className="risk-flags" aria-label={t('risk.label')} data-testid="risk-flags">
      {flags.map((flag) => (
        <li key={flag} className="risk-flag" title={t(`risk.${flag}.why`)}>
          <Icon name="warning" width={14} height={14} />
          <span>{t(`risk.${flag}`)}</span>
        </li>
      ))}
    </ul>
  );
}
