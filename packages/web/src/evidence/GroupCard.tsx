import { useFindingText } from '../components/useFindingText.tsx';
import { usePlaceName } from '../components/usePlaceName.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { CiteLinks } from './Citations.tsx';
import type { ExplainGroup, Place } from './report-types.ts';
import { SignInFacts, useWhere } from './SignInFacts.tsx';

/** Rows shown per group; anomalies are all shown, they are the point of the report. */
export const PHOTO_ROWS = 8;

export const rowsOf = (group: ExplainGroup) =>
  group.origin === 'anomaly' ? group.photos : group.photos.slice(0, PHOTO_ROWS);

/** One origin of the photos: who uploaded them, how that device got in, when and where, and their delivery here. */
export function GroupCard({
  group,
  deviceName,
  index,
}: {
  group: ExplainGroup;
  deviceName: string;
  index: number;
}) {
  const { t, tn, fmt } = useI18n();
  const nameOf = usePlaceName();
  const where = useWhere();
  const say = useFindingText();
  const rows = rowsOf(group);
  // The server names places in English; a listed photo's own place lets the reader's language name it.
  const placeByLabel = new Map<string, Place>();
  for (const p of group.photos) if (p.place) placeByLabel.set(p.place.label, p.place);
  const delivered = group.photos
    .filter((p) => p.deliveredAt)
    .map((p) => p.deliveredAt as string)
    .sort();
  const heading = `explain-group-${index}`;
  return (
    <article
      className={`card explain-group explain-group--${group.origin}`}
      aria-labelledby={heading}
      data-testid="explain-group"
    >
      <h3 id={heading}>
        {t(`explain.origin.${group.origin}`)}
        {group.device ? ` · ${group.device.name}` : ''}
      </h3>
      {group.device ? (
        <p className="explain-page__muted">
          {[
            group.device.model,
            group.device.serial ? t('explain.serial', { serial: group.device.serial }) : null,
          ]
            .filter(Boolean)
            .join(' · ')}
          {group.device.foreign ? (
            <strong className="explain-page__problem"> {t('explain.foreign')}</strong>
          ) : null}
        </p>
      ) : null}
      {group.device ? <SignInFacts signIn={group.signIn} /> : null}
      {group.sharedIn ? (
        <p>
          {t('explain.sharedIn', {
            album: group.sharedIn.albumId,
            owner: group.sharedIn.ownerAccountId,
            date: fmt.dateTime(group.sharedIn.grantedAt),
          })}{' '}
          <CiteLinks cites={[group.sharedIn.cite]} />
        </p>
      ) : null}
      <h4>{t('explain.uploads.title')}</h4>
      <p>
        {tn('explain.uploads.count', group.count)}
        {group.first && group.last
          ? ` · ${t('explain.between', { from: fmt.dateTime(group.first), to: fmt.dateTime(group.last) })}`
          : ''}
      </p>
      <ul className="explain-group__places">
        {group.places.map((p) => {
          const place = placeByLabel.get(p.label);
          return (
            <li key={p.label}>
              {tn('explain.uploads.place', p.count, { place: place ? nameOf(place) : p.label })}
            </li>
          );
        })}
      </ul>
      {delivered.length > 0 ? (
        <p>
          {tn('explain.delivered', delivered.length, {
            device: deviceName,
            from: fmt.dateTime(delivered[0] ?? ''),
            to: fmt.dateTime(delivered.at(-1) ?? ''),
          })}
        </p>
      ) : null}
      <div className="explain-group__table">
        <table>
          <caption className="visually-hidden">{t('explain.photos.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('explain.photos.uploaded')}</th>
              <th scope="col">{t('explain.photos.where')}</th>
              <th scope="col">{t('explain.photos.delivered', { device: deviceName })}</th>
              <th scope="col">{t('explain.cites')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr key={p.photoId}>
                <td>
                  {fmt.dateTime(p.uploadedAt)}
                  {p.reasons?.map((r, i) => {
                    const reason = say.reason(p.reasonCodes?.[i], r);
                    return (
                      <span
                        key={r}
                        lang={reason.english ? 'en' : undefined}
                        className="explain-page__problem explain-group__reason"
                      >
                        {reason.text}
                      </span>
                    );
                  })}
                </td>
                <td>{where(p.place, p.ip)}</td>
                <td>{p.deliveredAt ? fmt.dateTime(p.deliveredAt) : t('explain.notDelivered')}</td>
                <td>
                  <CiteLinks cites={[p.cite, p.deliveryCite]} bare />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {group.count > rows.length ? (
        <p className="explain-page__muted">{tn('explain.photos.more', group.count - rows.length)}</p>
      ) : null}
    </article>
  );
}
