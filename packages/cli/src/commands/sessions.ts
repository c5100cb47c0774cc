import type { Command } from 'commander';
import type { Place, SessionClient } from '@shoebox/shared';
import { commandContext } from '../context.ts';

/** One live session as `GET /api/sessions` lists it (its schema is the server's `SessionListItem`). */
interface SessionItem {
  id: string;
  deviceId: string;
  deviceName: string;
  client: SessionClient;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  place: Place | null;
  factors: string[];
  current: boolean;
}

export function registerSessions(program: Command): void {
  const sessions = program
    .command('sessions')
    .description('This account’s live sessions, and ending them')
    .action(async (_options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const { items } = await ctx.client().request<{ items: SessionItem[] }>('GET', '/sessions');
      ctx.out.result({ items }, () => (items.length === 0 ? 'No sessions.' : items.map(line)));
    });

  sessions
    .command('remove <id>')
    .description('End a session at once (its device stays; `shoebox devices remove` keeps it out)')
    .action(async (id: string, _options: unknown, command: Command) => {
      const ctx = commandContext(command);
      await ctx.client().request('DELETE', `/sessions/${encodeURIComponent(id)}`);
      ctx.out.result({ sessionId: id, status: 'ended' }, () => `Ended session ${id}.`);
    });
}

function line(s: SessionItem): string {
  const at = (iso: string) => `${iso.replace('T', ' ').slice(0, 16)} UTC`;
  const mark = s.current ? '*' : ' ';
  const where = s.ip ? `  from ${s.place?.label ?? 'unknown place'} (${s.ip})` : '';
  return `${mark} ${s.id}  ${s.client.padEnd(6)}  ${s.deviceName}  signed in ${at(s.createdAt)}, last seen ${at(s.lastSeenAt)}${where}`;
}
