import { useEffect, useState } from 'react';
import { api, call, type Schemas } from '../api/client.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { AdminTable } from './AdminTable.tsx';

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
        <AdminTable
          testId="fleet-imports"
          rows={imports}
          rowKey={(i) => i.id}
          rowData={(i) => ({ 'data-kind': i.kind })}
          columns={[
            { header: t('fleet.imports.when'), cell: (i) => fmt.dateTime(i.importedAt) },
            {
              header: t('fleet.imports.who'),
              wide: true,
              cell: (i) => i.importedBy.email ?? i.importedBy.id,
            },
            {
              header: t('fleet.imports.file'),
              cell: (i) => i.fileName ?? <code>{i.sha256.slice(0, 12)}</code>,
            },
            { header: t('fleet.imports.kind'), cell: (i) => t(`fleet.kind.${i.kind}`) },
            {
              header: t('fleet.imports.rows'),
              cell: (i) =>
                `${i.rows} · ${t('fleet.imports.counts', { imported: i.imported, duplicates: i.duplicates })}`,
            },
          ]}
        />
      ) : null}
    </section>
  );
}
