import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';

const all = (text: string) => [...parseCsv(text)];

describe('RFC 4180 CSV', () => {
  it('splits records on CRLF or LF and keeps the line each starts on', () => {
    expect(all('a,b\r\n1,2\n\n3,\r\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 4, fields: ['3', ''] },
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    expect(all('\uFEFFserial,shipped_to\n"SN1","Volt, ""Retail""\nNorth"\nSN2,x')).toEqual([
      { line: 1, fields: ['serial', 'shipped_to'] },
      { line: 2, fields: ['SN1', 'Volt, "Retail"\nNorth'] },
      { line: 4, fields: ['SN2', 'x'] },
    ]);
  });

  it('reports malformed records by line and goes on with the next line', () => {
    expect(all('a,b\nx"y,1\n"q"z,2\nok,3\n"never closed,4\nlost,5')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, error: 'a quote inside an unquoted field (quote the whole field)' },
      { line: 3, error: 'text after the closing quote of a field' },
      { line: 4, fields: ['ok', '3'] },
      { line: 5, error: 'a quoted field is never closed' },
    ]);
  });
});
