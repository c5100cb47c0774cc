import type { Schemas } from '../api/client.tsx';
import { usePlaceName } from '../components/usePlaceName.tsx';
import { useI18n } from '../i18n/i18n.tsx';

type History = Schemas['DeviceHistory'];
type FleetEvent = Schemas['FleetEvent'];

/** One serial's timeline (shipments, sales, activations) with what the checks found and what they passed. */
export function HistoryView({ history }: { history: History }) {
  const { t, fmt } = useI18n();
  // The server's place text is English; the country is re-named in the reader's language.
  const nameOf = usePlaceName();
  const when = (e: FleetEvent) => (e.at ? fmt.dateTime(e.at) : (e.date ?? ''));
  const details = (e: FleetEvent) =>
    [
      e.model,
      e.batch,
      e.shippedTo,
      e.retailer,
      e.orderId,
      e.channel,
      e.place ? nameOf(e.place) : null,
      e.account,
    ]
      .filter(Boolean)
      .join(' · ');
  return (
    <div className="history" data-testid="history" data-serial={history.serial}>
      <h3>{t('fleet.history.title', { serial: history.serial })}</h3>
      {history.findings.length > 0 ? (
        <ul className="admin-list" aria-label={t('fleet.history.findings')}>
          {history.findings.map((f) => (
            <li key={f.code} className="finding" data-code={f.code}>
              {f.message}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('fleet.history.noFindings')}</p>
      )}
      {history.events.length === 0 ? (
        <p>{t('fleet.history.noEvents')}</p>
      ) : (
        <div className="table-scroll">
          <table className="admin-table">
            <thead>
              <tr>
                <th>{t('fleet.history.when')}</th>
                <th>{t('fleet.history.what')}</th>
                <th>{t('fleet.history.source')}</th>
                <th className="hide-narrow">{t('fleet.history.details')}</th>
              </tr>
            </thead>
            <tbody>
              {history.events.map((e) => (
                <tr key={e.id} data-kind={e.kind}>
                  <td>{when(e)}</td>
                  <td>{t(`fleet.event.${e.kind}`)}</td>
                  <td>{t(`fleet.source.${e.source}`)}</td>
                  <td className="hide-narrow">{details(e)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
