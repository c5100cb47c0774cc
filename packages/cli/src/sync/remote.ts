import fs from 'node:fs';
import path from 'node:path';
import type { SyncChangesPage } from '@shoebox/shared';
import { CliError } from '../output.ts';
import { applyAll, notSent } from './apply.ts';
import { Fetcher } from './fetch.ts';
import { TEMP_DIR } from './layout.ts';
import { trace, type SyncSession } from './session.ts';
import { readSnapshot } from './snapshot.ts';

/**
 * Brings the folder up to the server's state: a full snapshot the first time (or when the server says the
 * cursor is too old), the change feed after that. Each page is acknowledged once all its photos are durable.
 */
export async function pullRemote(s: SyncSession, pageSize = PAGE): Promise<void> {
  // Left by a pass that was cut short: each is fetched again whole (downloads only ever run inside a pass).
  fs.rmSync(path.join(s.root, TEMP_DIR), { recursive: true, force: true });
  const fetcher = new Fetcher(s);
  try {
    await pullPages(s, fetcher, (cursor) => readPage(s, cursor, pageSize));
  } finally {
    // A failed pass ends only once nothing it started still writes into the folder.
    await fetcher.drain().catch(() => {});
  }
}

/** A page whose photos may still be downloading: its cursor is saved only once they are all in place. */
interface Applied {
  page: SyncChangesPage;
  /** The cursor the page was read from, where it is read again if the server did not send all of it. */
  from: string | undefined;
  done: Promise<string[]>;
}

async function pullPages(
  s: SyncSession,
  fetcher: Fetcher,
  readPage: (cursor: string | undefined) => Promise<SyncChangesPage>,
): Promise<void> {
  if (!s.state.cursor) await readSnapshot(s, fetcher);
  /** Where the next page is read from: past the pages applied, ahead of the saved cursor while they download. */
  let position = s.state.cursor;
  /** The page after the one being applied, asked for while its photos download (one round trip less each). */
  let ahead: { after: string | undefined; page: Promise<SyncChangesPage> } | undefined;
  let previous: Applied | undefined;
  for (let rereads = 0; ;) {
    let page: SyncChangesPage;
    try {
      const after = position;
      page = await (ahead && ahead.after === after ? ahead.page : readPage(after));
    } catch (err) {
      if (!(err instanceof CliError && err.code === 'cursor_reset')) throw err;
      s.note('the server asked for a full resync');
      await fetcher.drain();
      previous = undefined;
      await readSnapshot(s, fetcher);
      position = s.state.cursor;
      continue;
    } finally {
      ahead = undefined;
    }
    if (page.hasMore) {
      ahead = { after: page.cursor, page: readPage(page.cursor) };
      ahead.page.catch(() => {}); // its failure is met when it is awaited (or it is dropped unread)
    }
    if (page.changes.length > 0) trace(s, `page ${page.changes.length}`);
    // Albums are not mirrored as folders (yet). Each photo appears once per page.
    const items = page.changes
      .filter((change) => change.type === 'photo')
      .map((c) => (c.op === 'delete' ? c.entityId : (c.photo ?? c.entityId)));
    // A photo of this page still downloading for the previous one: its record must be written before this page
    // decides anything about it.
    if (fetcher.touches(items)) await fetcher.drain();
    // The previous page's last batches download while this page's start: the page boundary leaves no idle link.
    const applied: Applied = { page, from: position, ...(await applyAll(s, fetcher, items)) };
    const waiting = previous;
    previous = undefined;
    if (waiting) {
      const gone = await settled(s, waiting);
      if (gone.length > 0) {
        // Trashed or unshared since the page was read: the page is read again from the same cursor, where the
        // feed now shows them at their latest change. Acknowledging it would record deliveries that did not
        // happen. This page's downloads go on; they are recorded, so reading it again skips them.
        if (++rereads > 3) throw notSent(gone);
        position = waiting.from;
        continue;
      }
      rereads = 0;
    }
    if (page.hasMore) {
      previous = applied;
      position = page.cursor;
      continue;
    }
    const gone = await settled(s, applied);
    if (gone.length === 0) return;
    if (++rereads > 3) throw notSent(gone);
    position = applied.from;
  }
}

/** Waits for a page's downloads, then saves its cursor and acknowledges it, unless the server held photos back. */
async function settled(s: SyncSession, applied: Applied): Promise<string[]> {
  const gone = await applied.done;
  if (gone.length > 0) return gone;
  s.state.saveCursorDurably(applied.page.cursor);
  if (applied.page.changes.length > 0)
    await s.client.request('POST', '/sync/ack', {
      json: { cursor: applied.page.cursor, kind: 'changes', count: applied.page.changes.length },
    });
  return [];
}

const readPage = (s: SyncSession, cursor: string | undefined, limit: number) =>
  s.client.request<SyncChangesPage>('GET', '/sync/changes', { query: { cursor, limit } });

/** Feed page size: the largest the server gives, so a catch-up costs few round trips and acknowledgements. */
const PAGE = 1000;
