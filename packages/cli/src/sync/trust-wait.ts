import type { ApiClient } from '../api-client.ts';
import { CliError } from '../output.ts';

export interface EnrolmentStatus {
  deviceStatus: 'trusted' | 'pending' | 'denied' | 'removed';
  enrolment: { id: string; state: string; codeIssued: boolean } | null;
}

const POLL_MS = 2000;

/**
 * A pending device keeps its files to itself until a trusted device lets it in: it says so and waits (or,
 * with --once, stops). Returns false when the wait was aborted.
 */
export async function waitForTrust(o: {
  client: ApiClient;
  once: boolean;
  note(line: string): void;
  signal: AbortSignal;
}): Promise<boolean> {
  let said = false;
  for (;;) {
    const status = await o.client.request<EnrolmentStatus>('GET', '/auth/enrolment');
    if (status.deviceStatus === 'trusted') return true;
    if (status.deviceStatus !== 'pending')
      throw new CliError(`This device was ${status.deviceStatus}; sign in again to sync.`);
    if (!said)
      o.note(
        'waiting for approval: approve this device on a trusted one, then run `shoebox enrol --code CODE` here',
      );
    said = true;
    if (o.once)
      throw new CliError('This device is waiting for approval; nothing was uploaded.', 1, 'pending');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (o.signal.aborted) return false;
  }
}
