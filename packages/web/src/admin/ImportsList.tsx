import { useEffect, useState } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { useI18n } from '../i18n/i18n.tsx';

/** Admins: the committed fleet imports, newest first; `tick` reloads after an import. */
export function ImportsList({ tick }: { tick: number }) {
  const { t, fmt } = useI18n();
  const [imports, setImports] = useState<Schemas['FleetImportRecord'][] | null>(null);
  useEffect(() => {
    call(api.GET('/fleet/imports'))
      .then((list) => setImports(list.items))
      .catch(() => setImports([]));
  }, [tick]);
  return (
    <section className="card security__section" aria-labelledby="fleet-imports">
      <h2 id="fleet-imports">{t('fleet.imports.title')}</h2>
      {imports && imports.length === 0 ? <p>{t('fleet.imports.none')}</p> : null}
      {imports && imports.length > 0 ? (
        <div className="table-scroll">
          <table className="admin-table" data-testid="fleet-imports">
            <thead>
              <tr>
                <th>{t('fleet.imports.when')}</th>
                <th className="hide-narrow">{t('fleet.imports.who')}</th>
                <th>{t('fleet.imports.file')}</th>
                <th>{t('fleet.imports.kind')}</th>
                <th>{t('fleet.imports.rows')}</th>
              </tr>
            </thead>
            <tbody>
              {imports.map((i) => (
                <tr key={i.id} data-kind={i.kind}>
                  <td>{fmt.dateTime(i.importedAt)}</td>
                  <td className="hide-narrow">{i.importedBy.email ?? i.importedBy.id}</td>
                  <td>{i.fileName ?? <code>{i.sha256.slice(0, 12)}</code>}</td>
                  <td>{t(`fleet.kind.${i.kind}`)}</td>
                  <td>
                    {i.rows} · {t('fleet.imports.counts', { imported: i.imported, duplicates: i.duplicates })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
