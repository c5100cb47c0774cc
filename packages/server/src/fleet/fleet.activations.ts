// Shoebox's own activation records. Every enrolment, sign-out and removal is already put on the audit log, last
// in the transaction of the action; wrapping the recorder lets the fleet record ride in that same transaction
// (no enrolment without its activation row, none left behind by a rolled-back one) without the devices and trust
// services knowing about fleets, and it covers every path that lets a device in: first device, code approval,
// and whatever factor records `enrolment.approved`. Domain events would come after commit and miss the first
// device, which emits none.
import type { Tx } from '../adapters/db/database.ts';
import type { AuditInput } from '../audit/audit.kinds.ts';
import type { AuditRecorder } from '../audit/audit.recorder.ts';
import type { Clock } from '../platform/clock.ts';
import { newId } from '../platform/ids.ts';
import { isValidSerial, normaliseSerial } from './fleet.rows.ts';
import type { Pseudonyms } from './fleet.pseudonym.ts';
import type { FleetStore } from './fleet.store.ts';

export interface FleetActivationsDeps {
  store: FleetStore;
  pseudonyms: Pseudonyms;
  clock: Clock;
}

type Change =
  | { kind: 'activated'; deviceId: string; place: () => Promise<string | null> }
  | { kind: 'signed-out' | 'removed'; deviceId: string };

/** The audit recorder, plus a fleet record for each device-with-serial that starts or stops being used. */
export function withFleetActivations(inner: AuditRecorder, deps: FleetActivationsDeps): AuditRecorder {
  const { store, pseudonyms, clock } = deps;
  return {
    async record(trx, input) {
      const recorded = await inner.record(trx, input);
      const change = changeOf(trx, input, store);
      if (change) await apply(trx, change, recorded.seq);
      return recorded;
    },
    async recordMany(trx, inputs) {
      const recorded = await inner.recordMany(trx, inputs);
      for (const [i, input] of inputs.entries()) {
        const change = changeOf(trx, input, store);
        const seq = recorded[i]?.seq;
        if (change && seq !== undefined) await apply(trx, change, seq);
      }
      return recorded;
    },
  };

  async function apply(trx: Tx, change: Change, seq: number): Promise<void> {
    const device = await store.device(trx, change.deviceId);
    if (!device?.serial || !isValidSerial(device.serial.trim())) return;
    const last = await store.lastOfDevice(trx, device.id);
    const active = last?.kind === 'activated';
    // A sign-in on a device in use is not a new activation, and only a device in use can be signed out of.
    if (change.kind === 'activated' ? active || device.status !== 'trusted' : !active) return;
    const now = clock.now();
    await store.insertMany(trx, 'fleet_activations', [
      {
        id: newId(now),
        source: 'shoebox',
        kind: change.kind,
        serial: normaliseSerial(device.serial),
        at: now,
        local_time: null,
        account: await pseudonyms(trx, device.account_id),
        place: change.kind === 'activated' ? await change.place() : null,
        device_id: device.id,
        import_id: null,
        audit_seq: seq,
      },
    ]);
  }
}

function changeOf(trx: Tx, input: AuditInput, store: FleetStore): Change | undefined {
  if (input.kind === 'sign-in.succeeded') {
    const place = input.body.place;
    return { kind: 'activated', deviceId: input.body.deviceId, place: () => Promise.resolve(json(place)) };
  }
  if (input.kind === 'enrolment.approved') {
    const { enrolmentId } = input.body;
    // Where the new device asked from, not where the approving device was.
    return {
      kind: 'activated',
      deviceId: input.body.enrolledDeviceId,
      place: () => store.enrolmentPlace(trx, enrolmentId),
    };
  }
  if (input.kind === 'session.ended' && input.body.reason === 'signed-out' && input.body.deviceId)
    return { kind: 'signed-out', deviceId: input.body.deviceId };
  if (input.kind === 'device.removed') return { kind: 'removed', deviceId: input.body.removedDeviceId };
  return undefined;
}

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
