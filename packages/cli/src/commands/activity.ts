import type { Command } from 'commander';
import type { ActivityItem, ActivityPage } from '@shoebox/shared';
import { commandContext } from '../context.ts';
import { wholeNumber } from '../options.ts';

export function registerActivity(program: Command): void {
  program
    .command('activity')
    .description('Sign-ins, approvals, removals and security changes of the account, newest first')
    .option('--limit <n>', 'entries per page', wholeNumber(1, 200), 50)
    .option('--cursor <cursor>', 'continue after a previous page (its nextCursor)')
    .action(async (options: { limit: number; cursor?: string }, command: Command) => {
      const ctx = commandContext(command);
      const page = await ctx.client().request<ActivityPage>('GET', '/activity', {
        query: { limit: options.limit, cursor: options.cursor },
      });
      ctx.out.result(page, () => [
        ...(page.items.length === 0 ? ['No activity.'] : page.items.map(line)),
        ...(page.nextCursor ? [`more: shoebox activity --cursor ${page.nextCursor}`] : []),
      ]);
    });
}

function line(a: ActivityItem): string {
  const when = `${a.at.replace('T', ' ').slice(0, 19)} UTC`;
  const result = a.result ? ` ${a.result}` : '';
  const factors = a.factors.length ? ` [${a.factors.join('+')}]` : '';
  const device = a.device ? ` ${a.device.name}` : '';
  // Some entries record the address only (an approval, a denial): the address alone, not "unknown place".
  const where = a.ip ? (a.place ? ` from ${a.place.label} (${a.ip})` : ` from ${a.ip}`) : '';
  return `${when}  ${a.kind}${result}${factors}${device}${where}${staffDetail(a)}`;
}

/** A support look says who looked, why and at what: the owner's answer to "who has seen my records?". */
function staffDetail(a: ActivityItem): string {
  if (a.kind !== 'staff.accessed') return '';
  const said = (key: string) => {
    const value = a.detail[key];
    return typeof value === 'string' ? value : '?';
  };
  return ` by staff account ${said('staffAccountId')}, reason given: “${said('reason')}” (${said('scope')})`;
}
