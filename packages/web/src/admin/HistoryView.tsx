import type { Schemas } from '../api/client.tsx';
import { useFindingText } from '../components/useFindingText.tsx';
import { usePlaceName } from '../components/usePlaceName.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { AdminTable } from './AdminTable.tsx';

type History = Schemas['DeviceHistory'];
type FleetEvent = Schemas['FleetEvent'];

/** One serial's timeline (shipments, sales, activations) with what the checks found and what they passed. */
export function HistoryView({ history }: { history: History }) {
  const { t, fmt } = useI18n();
  const say = useFindingText();
  // The server's place text is English; the country is re-named in the reader's language.
  const nameOf = usePlaceName();
  // Shipments and sales carry a calendar date (no time or zone): shown as that day, in the reader's format.
  const when = (e: FleetEvent) => (e.at ? fmt.dateTime(e.at) : e.date ? fmt.calendarDate(e.date) : '');
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
          {history.findings.map((f, i) => {
            // Worded from its code in the reader's language; a code this client does not know: the server's English.
            const { text, english } = say.fleet(f, f.message);
            return (
              <li key={i} className="finding" data-code={f.code} lang={english ? 'en' : undefined}>
                {text}
              </li>
            );
          })}
        </ul>
      ) : (
        <p>{t('fleet.history.noFindings')}</p>
      )}
      {history.events.length === 0 ? (
        <p>{t('fleet.history.noEvents')}</p>
      ) : (
        <AdminTable
          rows={history.events}
          rowKey={(e) => e.id}
          rowData={(e) => ({ 'data-kind': e.kind })}
          columns={[
            { header: t('fleet.history.when'), cell: when },
            { header: t('fleet.history.what'), cell: (e) => t(`fleet.event.${e.kind}`) },
            { header: t('fleet.history.source'), cell: (e) => t(`fleet.source.${e.source}`) },
            { header: t('fleet.history.details'), wide: true, cell: details },
          ]}
        />
      )}
    </div>
  );
}
