import { useState, type FormEvent } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { HistoryView } from './HistoryView.tsx';
import { ImportsList } from './ImportsList.tsx';
import { StaffLookForm } from './StaffLookForm.tsx';

type Kind = 'shipments' | 'sales' | 'activations';
const KINDS: Kind[] = ['shipments', 'sales', 'activations'];
interface RowProblem {
  line: number;
  reason: string;
}
const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Fleet records: CSV imports (admins) with every refused row listed, and a serial's history (staff, with a reason). */
export function FleetPanel({ canImport }: { canImport: boolean }) {
  const [tick, setTick] = useState(0);
  return (
    <>
      {canImport ? <ImportSection onImported={() => setTick((n) => n + 1)} /> : null}
      {canImport ? <ImportsList tick={tick} /> : null}
      <LookupSection />
    </>
  );
}

function ImportSection({ onImported }: { onImported: () => void }) {
  const { t, tn } = useI18n();
  const [kind, setKind] = useState<Kind>('shipments');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<Schemas['FleetImportResult'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rows, setRows] = useState<RowProblem[]>([]);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setResult(null);
    setError(null);
    setRows([]);
    try {
      const text = await file.text();
      const reply = await api.POST('/fleet/imports/{kind}', {
        params: { path: { kind }, query: { name: file.name } },
        body: text,
        bodySerializer: (body: string) => body,
        headers: { 'content-type': 'text/csv' },
      });
      if (reply.response.ok && reply.data) {
        setResult(reply.data);
        onImported();
      } else {
        const problem = (reply.error ?? {}) as { detail?: string; errors?: RowProblem[] };
        setError(problem.detail ?? `HTTP ${reply.response.status}`);
        setRows(problem.errors ?? []);
      }
    } catch (err) {
      setError(reason(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card security__section" aria-labelledby="fleet-import">
      <h2 id="fleet-import">{t('fleet.import.title')}</h2>
      <p>{t('fleet.import.body')}</p>
      <form className="admin-row" onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span>{t('fleet.import.kind')}</span>
          <select
            value={kind}
            onChange={(e) => setKind(KINDS.find((k) => k === e.target.value) ?? 'shipments')}
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`fleet.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('fleet.import.file')}</span>
          <input type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        <button type="submit" className="button button--primary" disabled={!file || busy}>
          {t('fleet.import.submit')}
        </button>
      </form>
      {result ? (
        <p role="status" className="notice" data-testid="import-result">
          {tn('fleet.import.done', result.rows, {
            imported: result.imported,
            duplicates: result.duplicates,
          })}
        </p>
      ) : null}
      {error ? (
        <div role="alert" data-testid="import-errors">
          <p className="form__error">{error}</p>
          {rows.length > 0 ? (
            <ul className="admin-list">
              {rows.map((r) => (
                <li key={`${r.line}:${r.reason}`}>
                  {t('fleet.import.row', { line: r.line, reason: r.reason })}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function LookupSection() {
  const { t } = useI18n();
  const [serial, setSerial] = useState('');
  const [why, setWhy] = useState('');
  const [history, setHistory] = useState<Schemas['DeviceHistory'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setHistory(null);
    try {
      setHistory(
        await call(
          api.GET('/fleet/devices/{serial}/history', {
            params: { path: { serial: serial.trim() }, query: { reason: why.trim() } },
          }),
        ),
      );
    } catch (err) {
      setError(reason(err));
    }
  };
  return (
    <section className="card security__section" aria-labelledby="fleet-lookup">
      <h2 id="fleet-lookup">{t('fleet.lookup.title')}</h2>
      <StaffLookForm
        reason={why}
        onReasonChange={setWhy}
        submitLabel={t('fleet.lookup.submit')}
        onSubmit={(e) => void submit(e)}
        error={error}
      >
        <label className="field">
          <span>{t('fleet.lookup.serial')}</span>
          <input value={serial} maxLength={100} onChange={(e) => setSerial(e.target.value)} required />
        </label>
      </StaffLookForm>
      {history ? <HistoryView history={history} /> : null}
    </section>
  );
}
