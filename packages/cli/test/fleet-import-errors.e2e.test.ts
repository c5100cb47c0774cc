import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceHistory } from '@shoebox/shared';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { Device, cleanUp, createAccount, oneFailureLine, ok, tempDir, type Run } from './support/cli.ts';

interface RowErrors {
  code: string;
  message: string;
  errorCount: number;
  errors: { line: number; reason: string }[];
}

// A refused fleet file names every bad row with its line and reason (not just the three of the one-line
// detail), and nothing of it is stored.
describe('fleet import: every bad row of a refused file', { timeout: 180_000 }, () => {
  let server: TestServer;
  let admin: Device;
  let dir: string;

  const file = (name: string, lines: string[]) => {
    const target = path.join(dir, name);
    fs.writeFileSync(target, `${lines.join('\r\n')}\r\n`);
    return target;
  };
  /** A refused text run: exit 1, nothing on stdout, the `shoebox:` line and then the indented lines. */
  const refusal = (run: Run) => {
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.endsWith('\n')).toBe(true);
    const [first = '', ...rest] = run.stderr.slice(0, -1).split('\n');
    expect(first).toMatch(/^shoebox: /);
    return { summary: first.slice('shoebox: '.length), rows: rest };
  };

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    dir = tempDir('fleet-errors');
    admin = new Device(server.url, 'admin');
    await createAccount(admin, 'admin@example.com');
    await admin.login('admin@example.com', ['--device-name', 'Desk']);
  });
  afterAll(async () => {
    await server.close();
    cleanUp();
  });

  it('lists every bad line and reason, on stderr and with --json, and imports nothing', async () => {
    const good = [
      'SN-ERR-0001,Volt Retail,V-1,2024-03-05,web,sale',
      'SN-ERR-0008,Volt Retail,V-8,2024-03-06,,refurbished',
    ];
    const sales = file('sales.csv', [
      'serial,retailer,order_id,sale_date,channel,event',
      good[0] ?? '',
      'SN-ERR-0002,Volt Retail,V-2,05/03/2024,web,sale',
      ',Volt Retail,V-3,2024-03-05,web,sale',
      'SN-ERR-0004,Volt Retail,V-4,2024-03-05,web,gift',
      'SN-ERR-0005,Volt Retail,V-5,2024-03-05',
      'SN-ERR-0006,,V-6,2024-02-30,web,sale',
      'SN ERR 0007,Volt Retail,V-7,2024-03-05,web,return',
      good[1] ?? '',
    ]);
    const expected = [
      { line: 3, reason: 'sale_date "05/03/2024" is not a date as YYYY-MM-DD' },
      { line: 4, reason: 'serial is empty' },
      { line: 5, reason: 'event "gift" is not sale, return or refurbished' },
      { line: 6, reason: 'expected 6 fields as in the header, found 4' },
      { line: 7, reason: 'retailer is empty; sale_date "2024-02-30" is not a date as YYYY-MM-DD' },
      { line: 8, reason: 'serial "SN ERR 0007" has spaces or other characters a serial cannot have' },
    ];
    const summary =
      '6 rows of the sales file are not valid, so nothing was imported: ' +
      expected
        .slice(0, 3)
        .map((p) => `line ${p.line}: ${p.reason}`)
        .join('; ') +
      ' (and 3 more).';

    const [text, json] = await Promise.all([
      admin.run(['fleet', 'import', 'sales', sales]),
      admin.run(['fleet', 'import', 'sales', sales, '--json']),
    ]);
    expect(refusal(text)).toEqual({
      summary,
      rows: expected.map((p) => `  line ${p.line}: ${p.reason}`),
    });
    // --json: the whole list on stdout, and the failure's one line on stderr.
    expect(json.code).toBe(1);
    expect(oneFailureLine(json)).toBe(summary);
    expect(JSON.parse(json.stdout) as RowErrors).toEqual({
      code: 'validation_failed',
      message: summary,
      errorCount: 6,
      errors: expected,
    });

    // Nothing of the file was stored: its good rows are not on record, until a file of only those is imported.
    const history = (serial: string) =>
      admin.json<DeviceHistory>(['fleet', 'history', serial, '--reason', 'import check']);
    expect((await history('SN-ERR-0001')).events).toEqual([]);
    const fixed = file('fixed.csv', ['serial,retailer,order_id,sale_date,channel,event', ...good]);
    expect(ok(await admin.run(['fleet', 'import', 'sales', fixed]))).toBe(
      `Imported 2 of 2 sales rows from ${fixed}.\n`,
    );
    expect((await history('SN-ERR-0001')).events.map((e) => [e.kind, e.orderId])).toEqual([['sold', 'V-1']]);
  });

  it('says a file with only its header has no rows, rather than calling a row bad', async () => {
    const empty = file('empty.csv', ['serial,model,batch,ship_date,shipped_to']);
    const { summary } = refusal(await admin.run(['fleet', 'import', 'shipments', empty]));
    expect(summary).toBe('The shipments file has a header but no rows: nothing was imported.');
  });

  it('says how many bad rows the server did not list, never dropping them silently', async () => {
    const count = 1003;
    const rows = Array.from({ length: count }, (_, i) => `SN-MANY-${i},Phone X,B1,2024-13-01,Volt Retail`);
    const many = file('many.csv', ['serial,model,batch,ship_date,shipped_to', ...rows]);
    const [text, json] = await Promise.all([
      admin.run(['fleet', 'import', 'shipments', many]),
      admin.run(['fleet', 'import', 'shipments', many, '--json']),
    ]);
    const { summary, rows: listed } = refusal(text);
    expect(summary).toMatch(
      /^1003 rows of the shipments file are not valid, so nothing was imported: line 2: /,
    );
    expect(listed).toHaveLength(1001);
    expect(listed[0]).toBe('  line 2: ship_date "2024-13-01" is not a date as YYYY-MM-DD');
    expect(listed[999]).toBe('  line 1001: ship_date "2024-13-01" is not a date as YYYY-MM-DD');
    expect(listed[1000]).toBe(
      '  … and 3 more bad rows the server did not list (it lists the first 1000); fix these and import the file again to see the rest.',
    );
    const doc = JSON.parse(json.stdout) as RowErrors;
    expect(oneFailureLine(json)).toBe(summary);
    expect([doc.errorCount, doc.errors.length, doc.errors.at(-1)?.line]).toEqual([count, 1000, 1001]);
    const stored = await server.database.db.selectFrom('fleet_shipments').select('serial').execute();
    expect(stored).toEqual([]);
  });
});
