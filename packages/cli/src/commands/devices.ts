import type { Command } from 'commander';
import type { Device } from '@shoebox/shared';
import type { ApiClient } from '../api-client.ts';
import { commandContext } from '../context.ts';
import { CliError } from '../output.ts';

interface WaitingRequest {
  id: string;
  device: Device;
  ip: string | null;
  requestedAt: string;
}

export function registerDevices(program: Command): void {
  const devices = program
    .command('devices')
    .description('This account’s devices, and letting new ones in')
    .action(async (_options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const { items } = await ctx.client().request<{ items: Device[] }>('GET', '/devices');
      ctx.out.result({ items }, () =>
        items.length === 0
          ? 'No devices.'
          : items.map((d) => `${d.id}  ${d.status.padEnd(8)}  ${d.name}${d.model ? ` (${d.model})` : ''}`),
      );
    });

  devices
    .command('approve <id>')
    .description('Allow a waiting device; prints the code to type on it')
    .action(async (id: string, _options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      const request = await waitingRequest(client, id);
      const allowed = await client.request<{ code: string; deviceId: string; expiresAt: string }>(
        'POST',
        `/enrolments/${encodeURIComponent(request.id)}/allow`,
      );
      ctx.out.result(
        { code: allowed.code, deviceId: allowed.deviceId, expiresAt: allowed.expiresAt },
        () =>
          `Type ${allowed.code} on "${request.device.name}" (\`shoebox enrol --code ${allowed.code}\`); ` +
          `the code is valid until ${allowed.expiresAt}.`,
      );
    });

  devices
    .command('deny <id>')
    .description('Refuse a waiting device')
    .action(async (id: string, _options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      const request = await waitingRequest(client, id);
      await client.request('POST', `/enrolments/${encodeURIComponent(request.id)}/deny`);
      ctx.out.result(
        { deviceId: request.device.id, status: 'denied' },
        () => `Denied "${request.device.name}" (${request.device.id}).`,
      );
    });

  devices
    .command('remove <id>')
    .description('Remove a device; its sessions end at once')
    .action(async (id: string, _options: unknown, command: Command) => {
      const ctx = commandContext(command);
      const client = ctx.client();
      const { items } = await client.request<{ items: Device[] }>('GET', '/devices');
      await client.request('DELETE', `/devices/${encodeURIComponent(id)}`);
      ctx.out.result({ deviceId: id, status: 'removed' }, () => `Removed device ${id}.`);
      if (wasLastTrusted(items, id)) ctx.out.note(LAST_TRUSTED_NOTE);
    });
}

/** Said when the removed device was the account's last trusted one: nothing is left to approve a sign-in. */
export const LAST_TRUSTED_NOTE =
  'Note: that was your last trusted device. A new sign-in now needs your authenticator code, a passkey, a recovery ' +
  'code or a code sent by e-mail (the server removes it only when one of these exists).';

function wasLastTrusted(devices: readonly Device[], id: string): boolean {
  const removed = devices.find((d) => d.id === id);
  return removed?.status === 'trusted' && !devices.some((d) => d.id !== id && d.status === 'trusted');
}

/** Accepts the device id people see in `shoebox devices` (or the request id itself). */
async function waitingRequest(client: ApiClient, id: string): Promise<WaitingRequest> {
  const { items } = await client.request<{ items: WaitingRequest[] }>('GET', '/enrolments');
  const found = items.find((r) => r.device.id === id || r.id === id);
  if (!found)
    throw new CliError(`No device ${id} is waiting for approval (see \`shoebox devices\`).`, 1, 'not_found');
  return found;
}
