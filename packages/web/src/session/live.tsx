import { useEffect } from 'react';
import { api, call } from '../api/client.tsx';
import { useEnrolmentRequests } from '../devices/requests.tsx';
import { useLibrary } from '../timeline/library.tsx';
import { openLiveSocket } from './end-signal.ts';
import { endedNotice, useSession } from './session.tsx';
import { nudgeWitness } from './witness.tsx';

type PushMessage =
  | { type: 'hello'; deviceId: string; cursor: string | null }
  | { type: 'feed'; cursor: string }
  | { type: 'signed-out'; reason: string }
  | { type: 'device'; event: string; data: unknown }
  | { type: 'pong' }
  | { type: 'error'; code: string; detail: string };

/**
 * Keeps the signed-in app live over `GET /api/sync/socket`: the server only hints ("the feed moved"), so the app
 * then reads `GET /api/sync/changes` from the last cursor it saw and applies the photos to the timeline. Approval
 * requests reload the banner at once, and a revoked session signs out.
 */
export function LiveUpdates() {
  const library = useLibrary();
  const requests = useEnrolmentRequests();
  const { ended } = useSession();
  const { insert, remove } = library;
  const reloadRequests = requests.reload;

  useEffect(() => {
    let stopped = false;
    let cursor: string | null = null;
    let catchingUp: Promise<void> = Promise.resolve();

    async function catchUp(): Promise<void> {
      for (;;) {
        if (cursor === null || stopped) return;
        const page = await call(api.GET('/sync/changes', { params: { query: { cursor, limit: 500 } } }));
        if (stopped) return;
        const gone = new Set<string>();
        const added = [];
        for (const change of page.changes) {
          if (change.type !== 'photo') continue;
          if (change.op === 'upsert' && change.photo?.status === 'active') added.push(change.photo);
          else gone.add(change.entityId);
        }
        if (gone.size > 0) remove(gone);
        if (added.length > 0) insert(added);
        cursor = page.cursor;
        if (!page.hasMore) return;
      }
    }

    const stopSocket = openLiveSocket((raw, stop) => {
      const message = raw as PushMessage;
      switch (message.type) {
        case 'hello':
          // A reconnect catches up from where the last socket left off; the first one starts at the head.
          if (cursor === null) cursor = message.cursor;
          else catchingUp = catchingUp.then(catchUp).catch(() => undefined);
          return;
        case 'feed':
          catchingUp = catchingUp.then(catchUp).catch(() => undefined);
          // The library changed, so the log grew: check it extends what this browser kept (throttled).
          nudgeWitness();
          return;
        case 'device':
          if (message.event.startsWith('enrolment.')) reloadRequests();
          return;
        case 'signed-out':
          // The server already ended the session: asking it to sign out too could only fail (401).
          stopped = true;
          stop();
          ended(endedNotice(message.reason, false));
          return;
        // Named rather than `default`, so a new message type fails the lint until it is handled or listed here.
        case 'error':
        case 'pong':
          return;
      }
    });

    return () => {
      stopped = true;
      stopSocket();
    };
  }, [insert, remove, reloadRequests, ended]);

  return null;
}
