import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { CliError } from './output.ts';

/**
 * A device's identity and session, kept in its home folder. Several homes on one machine are several devices,
 * which is how tests and the sync agent run many devices side by side.
 */
export interface DeviceState {
  installationId: string;
  server?: string;
  token?: string;
  deviceId?: string;
  accountId?: string;
  email?: string;
  /** How this device described itself at its last sign-in; a later `login` without flags says the same. */
  description?: { name: string; model?: string; serial?: string };
  /** Device credentials by `<server> <e-mail>` (device-credential.ts): secrets, like the token. */
  deviceCredentials?: Record<string, string>;
}

export function resolveHome(flag: string | undefined): string {
  return path.resolve(flag ?? process.env['SHOEBOX_HOME'] ?? path.join(os.homedir(), '.shoebox'));
}

export function loadState(home: string): DeviceState {
  const file = path.join(home, 'device.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new CliError(`Cannot read ${file}: ${(err as Error).message}`);
    const state: DeviceState = { installationId: randomUUID() };
    saveState(home, state);
    return state;
  }
  // A damaged file is reported, not replaced: replacing it would silently make this a new device.
  try {
    const state = JSON.parse(text) as DeviceState;
    if (typeof state.installationId === 'string') return state;
  } catch {
    // reported below
  }
  throw new CliError(`${file} is damaged; move it away to start this device afresh.`);
}

/** Written atomically and readable only by the user: it holds a session token. */
export function saveState(home: string, state: DeviceState): void {
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const file = path.join(home, 'device.json');
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
}
