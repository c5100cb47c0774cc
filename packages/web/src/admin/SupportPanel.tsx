import { useEffect, useState, type FormEvent } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { HistoryView } from './HistoryView.tsx';
import { StaffLookForm } from './StaffLookForm.tsx';
import { StaffLooksSection } from './StaffLooksSection.tsx';

type Histories = Schemas['AccountDeviceHistories'];
interface Look {
  account: string;
  reason: string;
  at: string;
  result: Histories;
}
const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Support access: staff name an account and say why; the server records the look in that account's own audit
 * log before answering, and this page shows exactly what was looked at.
 */
export function SupportPanel({ canList }: { canList: boolean }) {
  const { t, tn, fmt } = useI18n();
  const [accounts, setAccounts] = useState<Schemas['Account'][]>([]);
  const [accountId, setAccountId] = useState('');
  const [why, setWhy] = useState('');
  const [look, setLook] = useState<Look | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!canList) return;
    call(api.GET('/admin/accounts'))
      .then((list) => setAccounts(list.items))
      .catch(() => undefined);
  }, [canList]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setLook(null);
    const stated = why.trim();
    try {
      // Support staff cannot list accounts: they name one by e-mail (a look of its own, recorded with the reason).
      const found = canList
        ? null
        : await call(
            api.GET('/admin/accounts/lookup', {
              params: { query: { email: accountId.trim(), reason: stated } },
            }),
          );
      const result = await call(
        api.GET('/fleet/accounts/{accountId}/devices', {
          params: { path: { accountId: found?.id ?? accountId.trim() }, query: { reason: stated } },
        }),
      );
      const named =
        found?.email ?? accounts.find((a) => a.id === result.accountId)?.email ?? result.accountId;
      setLook({ account: named, reason: stated, at: new Date().toISOString(), result });
    } catch (err) {
      setError(reason(err));
    } finally {
      setTick((n) => n + 1);
    }
  };

  return (
    <>
      <section className="card security__section" aria-labelledby="support-title">
        <h2 id="support-title">{t('support.title')}</h2>
        <p>{t('support.body')}</p>
        <StaffLookForm
          reason={why}
          onReasonChange={setWhy}
          submitLabel={t('support.submit')}
          onSubmit={(e) => void submit(e)}
          error={error}
        >
          <label className="field">
            <span>{canList ? t('support.account') : t('support.byEmail')}</span>
            {canList ? (
              <select value={accountId} onChange={(e) => setAccountId(e.target.value)} required>
                <option value="">{t('support.pick')}</option>
                {accounts.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.email}
                  </option>
                ))}
              </select>
            ) : (
              <input
                type="email"
                value={accountId}
                maxLength={254}
                onChange={(e) => setAccountId(e.target.value)}
                required
              />
            )}
          </label>
        </StaffLookForm>
        {look ? (
          <div data-testid="support-result">
            <p className="notice" role="status">
              {tn('support.accessed', look.result.items.length, {
                account: look.account,
                time: fmt.dateTime(look.at),
                reason: look.reason,
              })}
            </p>
            {look.result.items.length === 0 ? <p>{t('support.noDevices')}</p> : null}
            {look.result.items.map((item) => (
              <div key={item.device.id} className="support-device">
                <h3>
                  {item.device.name}
                  {item.device.model ? ` (${item.device.model})` : ''} ·{' '}
                  {t(`devices.status.${item.device.status}`)}
                </h3>
                <HistoryView history={item.history} />
              </div>
            ))}
          </div>
        ) : null}
      </section>
      {canList ? <StaffLooksSection tick={tick} /> : null}
    </>
  );
}
