import { useMemo, type ReactNode } from 'react';
import type { Photo } from '../api/client.tsx';
import { Icon, type IconName } from '../components/Icon.tsx';
import { WorldMap } from '../components/WorldMap.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Provenance } from './Provenance.tsx';
import { countryName } from './country-name.ts';
import { useGpsCountry } from './useGpsCountry.ts';
import './gps-place.css';

function Section({ icon, title, children }: { icon: IconName; title: string; children: ReactNode }) {
  return (
    <section className="info__section">
      <Icon name={icon} className="info__icon" />
      <div>
        <h3 className="info__heading">{title}</h3>
        {children}
      </div>
    </section>
  );
}

/**
 * Where the GPS point is: the country it falls in (found offline from Natural Earth's outline, named in the reader's
 * language) with the coordinates beside it and a small map; at sea or off the outline, just the coordinates.
 */
function GpsPlace({ gps }: { gps: { latitude: number; longitude: number } }) {
  const { t, fmt, locale } = useI18n();
  const code = useGpsCountry(gps);
  const country = code ? countryName(code, locale) : null;
  const coordinates = t('gps.coordinates', {
    latitude: fmt.number(gps.latitude, 5),
    longitude: fmt.number(gps.longitude, 5),
  });
  const { latitude, longitude } = gps;
  const points = useMemo(
    () => (country ? [{ lat: latitude, lon: longitude, label: country }] : []),
    [country, latitude, longitude],
  );
  return (
    <>
      {country ? (
        <p className="info__primary" data-testid="gps-place">
          {t('gps.place', { country })} <span className="gps-place__coordinates">{coordinates}</span>
        </p>
      ) : (
        // data-state: "loading" until the outline has loaded, then "none" (at sea, off the outline).
        <p
          className="info__primary"
          data-testid="gps-coordinates"
          data-state={code === undefined ? 'loading' : 'none'}
        >
          {coordinates}
        </p>
      )}
      {country ? (
        <WorldMap points={points} title={t('gps.mapTitle')} compact className="gps-place__map" />
      ) : null}
      <a
        className="info__link"
        href={`https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=15/${latitude}/${longitude}`}
        target="_blank"
        rel="noreferrer noopener"
      >
        {t('info.openMap')}
      </a>
    </>
  );
}

/** What the file says (time, camera, size, place) and what the server saw when it arrived (provenance). */
export function InfoPanel({ photo }: { photo: Photo }) {
  const { t, fmt } = useI18n();
  const { claims } = photo;
  const camera = [photo.make, photo.model].filter(Boolean).join(' ');
  const rotated = photo.orientation !== null && photo.orientation >= 5 && photo.orientation <= 8;
  const [w, h] = rotated ? [photo.height, photo.width] : [photo.width, photo.height];

  return (
    <div className="info">
      <h2 className="info__title">{t('info.title')}</h2>

      <Section icon="clock" title={t('info.taken')}>
        {photo.captureTime ? (
          <>
            <p className="info__primary">{fmt.wallClock(photo.captureTime)}</p>
            <p className="info__secondary">
              {photo.captureOffset ? t('info.offset', { offset: photo.captureOffset }) : t('info.noOffset')}
            </p>
          </>
        ) : (
          <p className="info__secondary">{t('info.noCaptureTime')}</p>
        )}
      </Section>

      <Section icon="camera" title={t('info.camera')}>
        <p className="info__primary">{camera || t('info.unknownCamera')}</p>
      </Section>

      <Section icon="file" title={t('info.file')}>
        {claims.fileName ? <p className="info__primary info__break">{claims.fileName}</p> : null}
        <p className="info__secondary">
          {[
            w && h ? t('info.dimensions', { width: fmt.number(w), height: fmt.number(h) }) : null,
            fmt.bytes(photo.size),
            photo.mime,
          ]
            .filter(Boolean)
            .join(' · ')}
        </p>
      </Section>

      <Section icon="pin" title={t('info.location')}>
        {photo.gps ? <GpsPlace gps={photo.gps} /> : <p className="info__secondary">{t('info.noLocation')}</p>}
      </Section>

      <Section icon="shield" title={t('info.provenance')}>
        <Provenance photo={photo} />
        {claims.fileName ? (
          <p className="info__secondary">{t('info.fileClaims', { name: claims.fileName })}</p>
        ) : null}
      </Section>

      {photo.media.note || photo.media.metadataProblems.length > 0 ? (
        <Section icon="warning" title={t('info.metadataProblems')}>
          {photo.media.note ? (
            <p className="info__secondary">{t('info.mediaNote', { note: photo.media.note })}</p>
          ) : null}
          <ul className="info__problems">
            {photo.media.metadataProblems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </Section>
      ) : null}
    </div>
  );
}
