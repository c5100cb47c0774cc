import type { AccountRow, DeviceRow, SessionRow } from '../adapters/db/schema.ts';

/** Who is making a request: always an account, signed in on one device through one session. */
export interface Principal {
  account: AccountRow;
  device: DeviceRow;
  session: SessionRow;
  /** Client address as the server determined it (after trusted-proxy handling). */
  ip: string | null;
}

/**
 * Where an account message says a change came from: the acting device (as its owner knows it), its address and
 * its last known place. Spread into the message's data.
 */
export function actedFrom(actor: Principal) {
  const { device } = actor;
  return {
    deviceId: device.id,
    device: { id: device.id, name: device.name, model: device.model, os: device.os },
    ip: actor.ip,
    place: device.last_place ? (JSON.parse(device.last_place) as unknown) : null,
  };
}
