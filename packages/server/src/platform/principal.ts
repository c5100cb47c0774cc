import type { AccountRow, DeviceRow, SessionRow } from '../adapters/db/schema.ts';

/** Who is making a request: always an account, signed in on one device through one session. */
export interface Principal {
  account: AccountRow;
  device: DeviceRow;
  session: SessionRow;
  /** Client address as the server determined it (after trusted-proxy handling). */
  ip: string | null;
}
