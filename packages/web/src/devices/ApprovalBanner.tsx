import { useState } from 'react';
import { api, call, type EnrolmentRequest } from '../api/client.tsx';
import { failureText } from '../api/problem-text.ts';
import { Icon } from '../components/Icon.tsx';
import { usePlaceName } from '../components/usePlaceName.tsx';
import { PlaceMap } from '../components/PlaceMap.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useEnrolmentRequests } from './requests.tsx';
import { RiskFlags } from './RiskFlags.tsx';

interface Issued {
  requestId: string;
  name: string;
  code: string;
  expiresAt: string;
}

/**
 * The prompt every trusted session shows the moment a new device asks to join: which device, from where, from
 * which IP and when, with Allow (which shows the code to type on the new device) and Don't allow.
 */
export function ApprovalBanner() {
  const { t, fmt, locale } = useI18n();
  const nameOf = usePlaceName();
  const { requests, reload } = useEnrolmentRequests();
  const [issued, setIssued] = useState<Issued | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (request: EnrolmentRequest, allow: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const path = { params: { path: { id: request.id } } };
      if (allow) {
        const result = await call(api.POST('/enrolments/{id}/allow', path));
        setIssued({ requestId: request.id, name: request.device.name, ...result });
      } else {
        await call(api.POST('/enrolments/{id}/deny', path));
        reload();
      }
    } catch (err) {
      setError(failureText({ t, locale }, err));
      reload();
    } finally {
      setBusy(false);
    }
  };

  if (issued) {
    return (
      <div className="banner banner--approval" role="alert">
        <Icon name="shield" />
        <div className="banner__text">
          <strong>{t('devices.codeTitle', { name: issued.name })}</strong>
          <p className="code" data-testid="banner-code">
            {issued.code.slice(0, 3)} {issued.code.slice(3)}
          </p>
          <span>{t('devices.codeBody', { time: fmt.dateTime(issued.expiresAt) })}</span>
        </div>
        <button
          type="button"
          className="button banner__action"
          onClick={() => {
            setIssued(null);
            reload();
          }}
        >
          {t('devices.done')}
        </button>
      </div>
    );
  }

  const request = requests[0];
  if (!request) return null;
  const device = request.device;
  const where = request.place ? nameOf(request.place) : t('devices.unknown');
  const facts = [
    where,
    request.ip ? t('banner.ip', { ip: request.ip }) : null,
    fmt.dateTime(request.requestedAt),
  ].filter((x): x is string => x !== null);
  return (
    <div className="banner banner--approval" role="alert" aria-label={t('banner.approvalLabel')}>
      <Icon name="shield" />
      <div className="banner__text">
        <strong>
          {t('banner.wantsIn', { name: device.model ? `${device.name} (${device.model})` : device.name })}
        </strong>
        <span data-testid="banner-facts">{facts.join(' · ')}</span>
        <RiskFlags flags={request.riskFlags} />
        {requests.length > 1 ? <span>{t('banner.more', { count: requests.length - 1 })}</span> : null}
        {error ? <span role="alert">{t('toast.failed', { reason: error })}</span> : null}
      </div>
      <PlaceMap
        className="banner__map"
        place={request.place}
        kind="request"
        title={t('map.approval', { name: device.name })}
      />
      <button
        type="button"
        className="button button--primary banner__action"
        disabled={busy}
        onClick={() => void act(request, true)}
      >
        {t('devices.allow')}
      </button>
      <button
        type="button"
        className="button banner__action"
        disabled={busy}
        onClick={() => void act(request, false)}
      >
        {t('banner.dontAllow')}
      </button>
    </div>
  );
}
