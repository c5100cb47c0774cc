// RFC 4180 CSV, strictly: a bad record is reported (with the line it starts on) rather than guessed at, because a
// mis-split row of a sales file would put a wrong date or retailer on someone's device history.

export type CsvRecord = { line: number; fields: string[] } | { line: number; error: string };

/**
 * Records of `text` in order, each with the physical line it starts on (quoted fields may span lines). CRLF and
 * LF both end a record; blank lines are skipped; a UTF-8 byte-order mark is ignored. After a malformed record
 * parsing resumes on the next line, so one file reports all of its problems at once.
 */
export function* parseCsv(text: string): Generator<CsvRecord> {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let error: string | undefined;
    for (;;) {
      let field: string;
      if (text[i] === '"') {
        ({ field, i, line, error } = quoted(text, i + 1, line));
        const next = text[i];
        if (!error && i < n && next !== ',' && next !== '\n' && next !== '\r')
          error = 'text after the closing quote of a field';
      } else {
        const from = i;
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          if (text[i] === '"') error ??= 'a quote inside an unquoted field (quote the whole field)';
          i++;
        }
        field = text.slice(from, i);
      }
      fields.push(field);
      if (error || text[i] !== ',') break;
      i++;
    }
    if (error) while (i < n && text[i] !== '\n') i++;
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    line++;
    if (error) yield { line: start, error };
    else if (!(fields.length === 1 && fields[0] === '')) yield { line: start, fields };
  }
}

function quoted(text: string, from: number, line: number) {
  let i = from;
  let field = '';
  let chunk = i;
  for (;;) {
    if (i >= text.length) return { field, i, line, error: 'a quoted field is never closed' };
    const ch = text[i];
    if (ch === '"') {
      field += text.slice(chunk, i);
      if (text[i + 1] !== '"') return { field, i: i + 1, line, error: undefined };
      field += '"';
      i += 2;
      chunk = i;
      continue;
    }
    if (ch === '\n') line++;
    i++;
  }
}
