import { usePlaceName } from '../components/usePlaceName.tsx';
import { RiskFlags } from '../devices/RiskFlags.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { CiteLinks } from './Citations.tsx';
import type { Place, SignInEvidence } from './report-types.ts';

/** Place and address in one phrase: "Beijing, China · 162.105.1.1". */
export function useWhere(): (place: Place | null, ip?: string | null) => string {
  const { t } = useI18n();
  const nameOf = usePlaceName();
  return (place, ip) => [place ? nameOf(place) : t('explain.unknownPlace'), ip].filter(Boolean).join(' · ');
}

const FACTORS = ['password', 'totp', 'passkey', 'recovery-code', 'email-code', 'trusted-device'] as const;
const isFactor = (f: string): f is (typeof FACTORS)[number] => (FACTORS as readonly string[]).includes(f);

/** How a device got into the account: its sign-in, its request to join, and who let it in (or that no one did). */
export function SignInFacts({ signIn }: { signIn: SignInEvidence | null }) {
  const { t, fmt } = useI18n();
  const where = useWhere();
  const factor = (f: string) => (isFactor(f) ? t(`explain.factor.${f}`) : f);
  if (!signIn)
    return (
      <p className="explain-page__problem" data-testid="no-sign-in">
        {t('explain.signIn.none')}
      </p>
    );
  const { enrolment, approval } = signIn;
  return (
    <dl className="facts">
      <div>
        <dt>{t('explain.signIn.at')}</dt>
        <dd>
          {fmt.dateTime(signIn.at)} · {where(signIn.place, signIn.ip)} <CiteLinks cites={[signIn.cite]} />
        </dd>
      </div>
      <div>
        <dt>{t('explain.signIn.factors')}</dt>
        <dd>{signIn.factors.length > 0 ? signIn.factors.map(factor).join(', ') : t('explain.none')}</dd>
      </div>
      {signIn.riskFlags.length > 0 ? (
        <div>
          <dt>{t('risk.label')}</dt>
          <dd>
            <RiskFlags flags={signIn.riskFlags} />
          </dd>
        </div>
      ) : null}
      {enrolment ? (
        <div>
          <dt>{t('explain.signIn.request')}</dt>
          <dd>
            {fmt.dateTime(enrolment.at)} · {where(enrolment.place, enrolment.ip)}{' '}
            <CiteLinks cites={[enrolment.cite]} />
          </dd>
        </div>
      ) : null}
      <div>
        <dt>{t('explain.signIn.approvedBy')}</dt>
        {approval ? (
          <dd>
            {approval.by === 'first-device'
              ? t('explain.signIn.firstDevice')
              : (approval.deviceName ?? approval.deviceId ?? t('explain.unknownDevice'))}
            {approval.factor ? ` (${factor(approval.factor)})` : ''} · {fmt.dateTime(approval.at)}{' '}
            <CiteLinks cites={[approval.cite]} />
          </dd>
        ) : (
          <dd className="explain-page__problem">{t('explain.signIn.neverApproved')}</dd>
        )}
      </div>
    </dl>
  );
}
