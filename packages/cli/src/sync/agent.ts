import { AuditAlarm, witnessCheckpoint } from '../audit-witness.ts';
import type { Photo, PushMessage } from '@shoebox/shared';
import type { ApiClient } from '../api-client.ts';
import { CliError } from '../output.ts';
import { pushLocal } from './local.ts';
import { fetchHinted, HINTED_MAX } from './hinted.ts';
import { pullRemote } from './remote.ts';
import { emptyReport, trace, type SyncReport, type SyncSession } from './session.ts';
import { liveSocket } from './socket.ts';
import { approvalNotice } from './approval-notice.ts';
import { failureText, isTransient } from './transient.ts';
import type { SyncState } from './state-db.ts';
import { waitForTrust } from './trust-wait.ts';
import { Wakeup } from './wakeup.ts';
import { watchTree } from './watch-tree.ts';

export interface AgentOptions {
  root: string;
  server: string;
  token: string;
  client: ApiClient;
  state: SyncState;
  once: boolean;
  /** The periodic full pass, for file events the watcher missed (network drives, editors, sleep). */
  intervalMs: number;
  note: (line: string) => void;
  /** Ends a long-running agent (Ctrl-C, SIGTERM). */
  signal: AbortSignal;
  /** The device's home folder, where it keeps the last audit checkpoint it verified. */
  home: string;
}

export async function runAgent(o: AgentOptions): Promise<SyncReport> {
  const report = emptyReport();
  const s: SyncSession = {
    root: o.root,
    client: o.client,
    state: o.state,
    report,
    note: (line) => o.note(line),
  };
  const wake = new Wakeup();
  o.signal.addEventListener('abort', () => wake.poke());
  if (!(await retrying(o, wake, () => waitForTrust(o)))) return report;
  let fatal: CliError | undefined;
  const live = o.once ? undefined : startLive(o, wake, (err) => (fatal = err));
  let backoff = 500;
  let announced = false;
  /** False when only file events woke the loop (see below). */
  let full = true;
  try {
    while (!o.signal.aborted && !fatal) {
      try {
        const before = JSON.stringify(report);
        // Woken by the server's hint: the change is fetched before the folder is walked (that walk grows with
        // the folder and would sit on the propagation path), new photos the hint described even before the page
        // that lists them is read; the pass still pushes local changes after it.
        const hinted = live?.takeHint();
        if (hinted) {
          await fetchHinted(s, hinted);
          await pullRemote(s);
        }
        const settling = await pushLocal(s);
        // Woken only by file events while the socket is up: the server has nothing new (a hint would have said
        // so), so the pass neither pulls nor checks the audit log, and a file just written is sent sooner.
        const folderOnly = !full && live?.connected() === true;
        if (!hinted && !folderOnly) await pullRemote(s);
        if (!folderOnly) await witness(o);
        backoff = 500;
        if (!announced || before !== JSON.stringify(report)) o.note('up to date');
        announced = true;
        if (o.once && settling === Infinity) break;
        full = await wake.wait(Math.min(settling, o.intervalMs));
      } catch (err) {
        if (o.once || !isTransient(err)) throw err;
        report.errors.push(failureText(err));
        o.note(`${failureText(err)} Retrying in ${Math.round(backoff / 1000)} s.`);
        announced = false;
        await wake.wait(backoff);
        full = true;
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  } finally {
    live?.close();
  }
  if (fatal) throw fatal;
  return report;
}

/**
 * Each round the device checks the server's newest audit checkpoint against the last one it verified (consistency
 * proof, no going back, one root per size). An alarm ends the agent loudly (exit 3); a log that has not signed its
 * first checkpoint yet is simply checked on the next round.
 */
async function witness(o: AgentOptions): Promise<void> {
  try {
    await witnessCheckpoint(o.client, o.home);
  } catch (err) {
    if (err instanceof AuditAlarm) throw err;
    if (!isTransient(err)) throw err;
  }
}

/** Start-up against a server that is not there (yet): a service started before the server waits for it. */
async function retrying<T>(o: AgentOptions, wake: Wakeup, step: () => Promise<T>): Promise<T | false> {
  for (let backoff = 500; ; backoff = Math.min(backoff * 2, 30_000)) {
    try {
      return await step();
    } catch (err) {
      if (o.once || !isTransient(err)) throw err;
      o.note(`${failureText(err)} Retrying in ${Math.round(backoff / 1000)} s.`);
      await wake.wait(backoff);
      if (o.signal.aborted) return false;
    }
  }
}

/** File events and socket hints both wake the loop; the socket also carries approval requests to print. */
function startLive(o: AgentOptions, wake: Wakeup, fail: (err: CliError) => void) {
  const watcher = watchTree(o.root, (_event, name) => {
    // The agent's own `.shoebox-*` folders (and other hidden files) are not the user's changes.
    if (
      name &&
      String(name)
        .split(/[\\/]/)
        .some((part) => part.startsWith('.'))
    )
      return;
    wake.poke(true);
  });
  watcher.on('error', () => {}); // the periodic pass covers a watcher that died
  let hint = false;
  /** New uploads from other devices that the hints since the last pass described. */
  let photos: Photo[] = [];
  /** This device's id, from the socket's hello: its own uploads are in its folder already. */
  let self: string | undefined;
  const socket = liveSocket(o.server, o.token, {
    onFeed: (photo) => {
      trace(o, 'hint');
      hint = true;
      if (photo && photo.upload.deviceId !== self && !photos.some((p) => p.id === photo.id))
        photos.push(photo);
      wake.poke();
    },
    // Without the socket nothing tells the agent of changes: a pass now finds out whether the server is gone
    // (then the loop retries with backoff) or only the socket dropped.
    onLost: () => wake.poke(),
    onMessage: (m: PushMessage) => {
      if (m.type === 'hello') self = m.deviceId;
      else if (m.type === 'device' && m.event === 'enrolment.requested') {
        for (const line of approvalNotice(m.data)) o.note(line);
      } else if (m.type === 'signed-out') {
        fail(new CliError(`This device was signed out (${m.reason}).`, 1, 'unauthenticated'));
        wake.poke();
      }
    },
  });
  return {
    /**
     * Undefined when no feed hint arrived since the last call, else the new photos the hints described to fetch
     * at once (none after a burst: the feed fetches those several at a time).
     */
    takeHint(): Photo[] | undefined {
      const taken = hint ? (photos.length <= HINTED_MAX ? photos : []) : undefined;
      hint = false;
      photos = [];
      return taken;
    },
    /** Whether the socket is up, so that every change on the server will be hinted. */
    connected: () => socket.connected(),
    close() {
      watcher.close();
      socket.close();
    },
  };
}
