import { useCallback, useEffect, useState } from 'react';
import { api, call, type Device, type EnrolmentRequest } from '../api/client.tsx';
import { failureText } from '../api/problem-text.ts';
import { Dialog } from '../components/Dialog.tsx';
import { ConfirmDialog } from '../components/Dialogs.tsx';
import { Link } from '../app/router.tsx';
import { Icon, type IconName } from '../components/Icon.tsx';
import { usePlaceName } from '../components/usePlaceName.tsx';
import { PlaceMap } from '../components/PlaceMap.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { useToast } from '../components/Toasts.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useSession } from '../session/session.tsx';
import { useEnrolmentRequests } from './requests.tsx';
import { RiskFlags } from './RiskFlags.tsx';
import { SessionsSection } from './SessionsSection.tsx';

interface IssuedCode {
  name: string;
  code: string;
  expiresAt: string;
}

function iconFor(device: Device): IconName {
  const text = `${device.os ?? ''} ${device.model ?? ''} ${device.name}`.toLowerCase();
  if (/iphone|android|ios|pixel|phone/.test(text)) return 'phone';
  if (device.appVersion === 'web' || /chrome|firefox|safari|edge|browser/.test(text)) return 'browser';
  return 'laptop';
}

/** Every device of the account: what it says it is, where it was last seen, and a way to remove it. */
export default function DevicesPage() {
  const { t, fmt, locale } = useI18n();
  const nameOf = usePlaceName();
  const { signOut } = useSession();
  const toast = useToast();
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Device | null>(null);
  const [denying, setDenying] = useState<EnrolmentRequest | null>(null);
  const [issued, setIssued] = useState<IssuedCode | null>(null);
  // Bumped on each reload of the devices: removing a device ends its sessions, so the session list reloads too.
  const [loads, setLoads] = useState(0);
  const { requests, reload: reloadRequests } = useEnrolmentRequests();
  // While this page is open, look for new requests more often than the header's banner does.
  useEffect(() => {
    const timer = window.setInterval(reloadRequests, 4000);
    return () => window.clearInterval(timer);
  }, [reloadRequests]);

  const allow = async (request: EnrolmentRequest) => {
    try {
      const result = await call(api.POST('/enrolments/{id}/allow', { params: { path: { id: request.id } } }));
      setIssued({ name: request.device.name, code: result.code, expiresAt: result.expiresAt });
    } catch (err) {
      toast({
        tone: 'error',
        message: t('toast.failed', { reason: failureText({ t, locale }, err) }),
      });
      reloadRequests();
    }
  };

  const load = useCallback(() => {
    setLoads((n) => n + 1);
    call(api.GET('/devices'))
      .then((list) => setDevices(list.items))
      .catch((err: unknown) => setError(failureText({ t, locale }, err)));
  }, []);
  useEffect(load, [load]);

  const rank = (d: Device) => (d.current ? 0 : d.status === 'trusted' ? 1 : 2);
  const waitingIds = new Set(requests.map((r) => r.device.id));
  const visible = (devices ?? [])
    .filter((d) => !waitingIds.has(d.id))
    .filter((d) => d.status !== 'removed')
    .sort((a, b) => rank(a) - rank(b));
  const removed = (devices ?? []).filter((d) => d.status === 'removed');
  // Removing the last trusted device leaves no device to approve the next sign-in: say what will let one in then.
  const lastTrusted = (device: Device) =>
    device.status === 'trusted' && !(devices ?? []).some((d) => d.id !== device.id && d.status === 'trusted');

  const card = (device: Device) => (
    <li key={device.id} className={`device device--${device.status}`}>
      <div className="device__icon" aria-hidden="true">
        <Icon name={iconFor(device)} width={24} height={24} />
      </div>
      <div className="device__main">
        <div className="device__title">
          <h2 className="device__name">{device.name}</h2>
          {device.current ? <span className="pill pill--current">{t('devices.current')}</span> : null}
          <span className={`pill pill--${device.status}`}>{t(`devices.status.${device.status}`)}</span>
        </div>
        <p className="device__meta">
          {[device.model, device.os].filter(Boolean).join(' · ') || t('devices.unknown')}
        </p>
        <RiskFlags flags={device.riskFlags} />
        <dl className="device__facts">
          <div>
            <dt>{t('devices.firstSignIn')}</dt>
            <dd>{fmt.dateTime(device.firstSignInAt)}</dd>
          </div>
          <div>
            <dt>{t('devices.lastSeen')}</dt>
            <dd title={fmt.dateTime(device.lastSeenAt)}>{fmt.relative(device.lastSeenAt)}</dd>
          </div>
          <div>
            <dt>{t('devices.lastPlace')}</dt>
            <dd>
              {[device.lastPlace ? nameOf(device.lastPlace) : null, device.lastIp]
                .filter(Boolean)
                .join(' · ') || t('devices.unknown')}
            </dd>
          </div>
          {device.serial ? (
            <div>
              <dt>{t('devices.serial')}</dt>
              <dd className="device__serial">{device.serial}</dd>
            </div>
          ) : null}
        </dl>
        <Link
          href={`/devices/${encodeURIComponent(device.id)}/explain`}
          className="device__explain"
          aria-label={t('explain.link.deviceLabel', { name: device.name })}
        >
          {t('explain.link.device')}
        </Link>
      </div>
      {device.status !== 'removed' ? (
        <button
          type="button"
          className="button button--danger device__remove"
          onClick={() => setRemoving(device)}
        >
          {t('devices.remove')}
        </button>
      ) : null}
    </li>
  );

  /** The approval code was passed on (Done, or Esc): look again for requests and devices. */
  const closeIssued = () => {
    setIssued(null);
    reloadRequests();
    load();
  };

  return (
    <div className="page page--scroll">
      <div className="page-head page-head--stack">
        <h1>{t('devices.title')}</h1>
        <p className="page-head__meta">{t('devices.subtitle')}</p>
      </div>
      {error ? (
        <p className="form__error" role="alert">
          {error}
        </p>
      ) : null}
      {devices === null && !error ? <Spinner label={t('app.loading')} /> : null}
      {requests.length > 0 ? (
        <section className="requests" aria-labelledby="requests-title">
          <h2 id="requests-title" className="section-title">
            {t('devices.requests.title')}
          </h2>
          <p className="requests__body">{t('devices.requests.body')}</p>
          <ul className="devices">
            {requests.map((request) => (
              <li key={request.id} className="device device--request">
                <div className="device__icon" aria-hidden="true">
                  <Icon name={iconFor(request.device)} width={24} height={24} />
                </div>
                <div className="device__main">
                  <div className="device__title">
                    <h3 className="device__name">{request.device.name}</h3>
                    <span className="pill pill--pending">{t('devices.status.pending')}</span>
                  </div>
                  <p className="device__meta">
                    {[request.device.model, request.device.os].filter(Boolean).join(' · ') ||
                      t('devices.unknown')}
                  </p>
                  <p className="device__meta">
                    {[
                      t('devices.requests.asked', { time: fmt.relative(request.requestedAt) }),
                      request.place ? nameOf(request.place) : null,
                      request.ip,
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </p>
                  <RiskFlags flags={request.riskFlags} />
                  <PlaceMap
                    className="device__map"
                    place={request.place}
                    kind="request"
                    title={t('map.approval', { name: request.device.name })}
                  />
                </div>
                <div className="device__decide">
                  <button type="button" className="button" onClick={() => setDenying(request)}>
                    {t('devices.deny')}
                  </button>
                  <button
                    type="button"
                    className="button button--primary"
                    onClick={() => void allow(request)}
                  >
                    {t('devices.allow')}
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <ul className="devices">{visible.map(card)}</ul>
      {devices !== null ? <SessionsSection refresh={loads} /> : null}
      {removed.length > 0 ? (
        <>
          <h2 className="section-title">{t('devices.status.removed')}</h2>
          <ul className="devices devices--removed">{removed.map(card)}</ul>
        </>
      ) : null}
      {issued ? (
        <Dialog
          title={t('devices.codeTitle', { name: issued.name })}
          onClose={closeIssued}
          onSubmit={closeIssued}
          actions={
            <button type="submit" className="button button--primary">
              {t('devices.done')}
            </button>
          }
        >
          <p className="code" data-testid="approval-code">
            {issued.code.slice(0, 3)}
            <span aria-hidden="true"> </span>
            {issued.code.slice(3)}
          </p>
          <p>{t('devices.codeBody', { time: fmt.dateTime(issued.expiresAt) })}</p>
        </Dialog>
      ) : null}
      {denying ? (
        <ConfirmDialog
          title={t('devices.denyTitle', { name: denying.device.name })}
          body={t('devices.denyBody')}
          confirmLabel={t('devices.deny')}
          onClose={() => setDenying(null)}
          onConfirm={async () => {
            await call(api.POST('/enrolments/{id}/deny', { params: { path: { id: denying.id } } }));
            toast({ message: t('devices.denied', { name: denying.device.name }) });
            setDenying(null);
            reloadRequests();
            load();
          }}
        />
      ) : null}
      {removing ? (
        <ConfirmDialog
          title={t('devices.removeTitle', { name: removing.name })}
          body={[
            t('devices.removeBody'),
            removing.current ? t('devices.removeCurrentBody') : '',
            lastTrusted(removing) ? t('devices.removeLastTrustedBody') : '',
          ]
            .filter(Boolean)
            .join(' ')}
          confirmLabel={t('devices.remove')}
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await call(api.DELETE('/devices/{id}', { params: { path: { id: removing.id } } }));
            setRemoving(null);
            if (removing.current) {
              await signOut('auth.deviceRemoved');
              return;
            }
            toast({ message: t('devices.removed', { name: removing.name }) });
            load();
          }}
        />
      ) : null}
    </div>
  );
}
