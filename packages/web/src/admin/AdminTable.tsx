import type { ReactNode } from 'react';

type DataAttributes = Record<`data-${string}`, string>;

export interface AdminColumn<T> {
  /** The header's words; with `hiddenHeader` only screen readers hear them (e.g. a column of buttons). */
  header: string;
  hiddenHeader?: boolean;
  cell: (row: T) => ReactNode;
  /** Dropped on phone-sized screens: details that are nice to have. */
  wide?: boolean;
  /**
   * Never broken inside a word (e-mail addresses, shown with `EmailText` so that they may break after the "@"); the
   * table scrolls sideways rather than break them.
   */
  keepWhole?: boolean;
  /** `data-testid` of the column's cells. */
  cellTestId?: string;
}

/** An e-mail address that wraps, when it must, only after its "@" (never mid-word, as "ada@exam / ple.com"). */
export function EmailText({ email }: { email: string }) {
  const at = email.lastIndexOf('@');
  if (at <= 0) return <>{email}</>;
  return (
    <>
      {email.slice(0, at + 1)}
      <wbr />
      {email.slice(at + 1)}
    </>
  );
}

/**
 * The admin pages' tables: scrolling sideways when too wide, every column headed (`scope="col"`) so screen readers
 * name the column of each cell, and `data-*` attributes on rows for tests and styling.
 */
export function AdminTable<T>(props: {
  columns: AdminColumn<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string | number;
  rowData?: (row: T) => DataAttributes;
  testId?: string;
}) {
  const narrowClass = (column: AdminColumn<T>) =>
    [column.wide ? 'hide-narrow' : '', column.keepWhole ? 'admin-table__whole' : '']
      .filter(Boolean)
      .join(' ') || undefined;
  return (
    <div className="table-scroll">
      <table className="admin-table" data-testid={props.testId}>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th key={column.header} scope="col" className={narrowClass(column)}>
                {column.hiddenHeader ? (
                  <span className="visually-hidden">{column.header}</span>
                ) : (
                  column.header
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={props.rowKey(row)} {...props.rowData?.(row)}>
              {props.columns.map((column) => (
                <td key={column.header} className={narrowClass(column)} data-testid={column.cellTestId}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
