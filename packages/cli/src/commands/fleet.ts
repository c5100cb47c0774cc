import fs from 'node:fs';
import path from 'node:path';
import { Argument, type Command } from 'commander';
import type {
  AccountDeviceHistories,
  DeviceHistory,
  FleetEvent,
  FleetImportKind,
  FleetImportResult,
  FleetRowProblem,
} from '@shoebox/shared';
import { ProblemError } from '../api-client.ts';
import { commandContext } from '../context.ts';
import { DetailedCliError } from '../failure.ts';
import { CliError, type Output } from '../output.ts';

const KINDS: FleetImportKind[] = ['shipments', 'sales', 'activations'];

export function registerFleet(program: Command): void {
  const fleet = program
    .command('fleet')
    .description('Device history: manufacturer, retailer and activation records of device serials');

  fleet
    .command('import')
    .description('Import a CSV file of shipments, sales or earlier activations (admin); all rows or none')
    .addArgument(new Argument('<kind>', 'shipments, sales or activations').choices(KINDS))
    .argument('<file>', 'CSV file with a header row')
    .action(async (kind: FleetImportKind, file: string, _options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      let size: number;
      try {
        size = fs.statSync(file).size;
      } catch (err) {
        throw new CliError(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
      }
      if (size === 0) throw new CliError(`${file} is empty.`);
      let result: FleetImportResult;
      try {
        result = await client.request<FleetImportResult>('POST', `/fleet/imports/${kind}`, {
          query: { name: path.basename(file) },
          body: client.fileBody(file),
          headers: { 'content-type': 'text/csv; charset=utf-8', 'content-length': String(size) },
        });
      } catch (err) {
        throw badRows(err, ctx.out);
      }
      ctx.out.result(
        result,
        () =>
          `Imported ${result.imported} of ${result.rows} ${kind} rows from ${file}` +
          (result.duplicates > 0 ? ` (${result.duplicates} already on record).` : '.'),
      );
    });

  fleet
    .command('history <serial>')
    .description('A device serial’s timeline and findings (your own devices; staff: any, with --reason)')
    .option('--reason <text>', 'why you look (required for support staff and admins; the owner sees it)')
    .action(async (serial: string, options: { reason?: string }, command: Command) => {
      const ctx = commandContext(command);
      const history = await ctx
        .client()
        .request<DeviceHistory>('GET', `/fleet/devices/${encodeURIComponent(serial)}/history`, {
          query: { reason: options.reason },
        });
      ctx.out.result(history, () => describeHistory(history));
    });

  fleet
    .command('account <account-id>')
    .description('The histories of every device with a serial of an account (staff, with --reason)')
    .option('--reason <text>', 'why you look (required for staff; the owner sees it)')
    .action(async (accountId: string, options: { reason?: string }, command: Command) => {
      const ctx = commandContext(command);
      const result = await ctx
        .client()
        .request<AccountDeviceHistories>('GET', `/fleet/accounts/${encodeURIComponent(accountId)}/devices`, {
          query: { reason: options.reason },
        });
      ctx.out.result(result, () =>
        result.items.length === 0
          ? 'No device of this account has a serial.'
          : result.items.flatMap((i) => [
              `${i.device.name} (${i.device.status}${i.device.model ? `, ${i.device.model}` : ''})`,
              ...describeHistory(i.history).map((line) => `  ${line}`),
            ]),
      );
    });
}

/**
 * A refused file names every bad row, not just the few its one-line detail has room for. Text: the usual
 * `shoebox: …` line, then `  line N: reason` on stderr for each bad row (left out when that line already names
 * them all). --json: the same one line on stderr, and on stdout `{ code, message, errorCount, errors }`.
 */
function badRows(err: unknown, out: Output): unknown {
  if (!(err instanceof ProblemError)) return err;
  const { errors, errorCount } = err.problem;
  if (!Array.isArray(errors) || !errors.every(isRowProblem)) return err;
  const total = typeof errorCount === 'number' ? errorCount : errors.length;
  if (out.json) {
    out.result({ code: err.code, message: err.message, errorCount: total, errors }, () => []);
    return err;
  }
  const lines = errors.map((p) => `line ${p.line}: ${p.reason}`);
  const unlisted = total - errors.length;
  if (unlisted === 0 && lines.every((line) => err.message.includes(line))) return err;
  if (unlisted > 0)
    lines.push(
      `… and ${unlisted} more bad ${unlisted === 1 ? 'row' : 'rows'} the server did not list (it lists the first ` +
        `${errors.length}); fix these and import the file again to see the rest.`,
    );
  return new DetailedCliError(err.message, lines, err.exitCode, err.code);
}

function isRowProblem(value: unknown): value is FleetRowProblem {
  const p = value as Partial<FleetRowProblem> | null;
  return typeof p?.line === 'number' && typeof p.reason === 'string';
}

export function describeHistory(h: DeviceHistory): string[] {
  const lines = [`Serial ${h.serial}`];
  if (h.events.length === 0) lines.push('  (no records)');
  for (const e of h.events) lines.push(`  ${when(e).padEnd(20)}  ${e.kind.padEnd(11)}  ${what(e)}`);
  if (h.findings.length === 0) lines.push('No findings.');
  else {
    lines.push('Findings:');
    for (const f of h.findings) lines.push(`  ! ${f.message}`);
  }
  return lines;
}

function when(e: FleetEvent): string {
  if (e.date) return e.date;
  return e.localTime ?? `${(e.at ?? '').slice(0, 16).replace('T', ' ')} UTC`;
}

function what(e: FleetEvent): string {
  switch (e.kind) {
    case 'shipped':
      return `${e.model ?? ''}${e.batch ? `, batch ${e.batch}` : ''}, to ${e.shippedTo ?? '?'} (manufacturer)`;
    case 'sold':
    case 'returned':
    case 'refurbished':
      return `${e.retailer ?? '?'}, order ${e.orderId ?? '?'}${e.channel ? `, ${e.channel}` : ''}`;
    case 'activated':
    case 'signed-out':
    case 'removed': {
      const who = e.byCurrentOwner ? 'current owner' : 'another account';
      const source = e.source === 'shoebox' ? 'Shoebox' : 'activation records';
      const where = e.place ? `, ${e.place.label}` : '';
      return `${who} (${e.account ?? '?'})${where}; ${source}`;
    }
  }
}
