// One simulated device of the load generator, doing what the apps do: it uploads its own photos and, told by its
// live channel that the feed moved (or every few seconds without a hint), pulls the change feed from its cursor,
// downloads the originals it does not have, checks their SHA-256, and acknowledges what it applied.
import { createHash } from 'node:crypto';
import type { Photo, SnapshotLine, SyncChangesPage } from '@shoebox/shared';
import type { TestClient } from '../../packages/server/test/support/api.ts';
import { liveDevice, type LiveDevice } from './live.ts';
import type { LoadStats } from './load-stats.ts';

const FALLBACK_POLL_MS = 5000;

export class DeviceSimulator {
  /** Photos this device holds (id → SHA-256): its own uploads and what it downloaded and verified. */
  readonly library = new Map<string, string>();
  /** Uploads the server acknowledged (201, or 200 for a retry of one stored before its instance died). */
  readonly acked = new Map<string, string>();
  cursor = '';
  socket: LiveDevice | undefined;
  pulls = 0;
  private hinted = false;
  private wake: (() => void) | undefined;

  constructor(
    readonly name: string,
    readonly client: TestClient,
    private readonly stats: LoadStats,
  ) {}

  async connect(): Promise<void> {
    this.socket = await liveDevice(this.client.url, this.client.token ?? '', (message) => {
      // `hello` comes after every (re)connection: hints may have been missed while away.
      if (message.type === 'feed' || message.type === 'hello') this.hint();
    });
  }

  hint(): void {
    this.hinted = true;
    this.wake?.();
  }

  /** A new device's first sync: the streamed snapshot, applied, then acknowledged. */
  async snapshot(): Promise<void> {
    const reply = await this.stats.send('snapshot', () => this.client.get<Buffer>('/api/sync/snapshot'));
    if (!reply) return;
    let end: Extract<SnapshotLine, { type: 'end' }> | undefined;
    for (const text of reply.body.toString('utf8').split('\n')) {
      if (!text) continue;
      const line = JSON.parse(text) as SnapshotLine;
      if (line.type === 'photo') await this.apply(line.photo);
      else if (line.type === 'end') end = line;
    }
    if (!end) return this.stats.fail('snapshot', 'no end line');
    this.cursor = end.cursor;
    await this.ack('snapshot', end.photos + end.albums);
  }

  async upload(body: Buffer): Promise<void> {
    const reply = await this.stats.send('upload', () => this.client.upload(body), [200, 201]);
    if (!reply) return;
    const photo = reply.body.photo;
    this.stats.uploadBytes += body.length;
    this.acked.set(photo.id, photo.sha256);
    this.library.set(photo.id, photo.sha256);
  }

  /** Reads the feed from the cursor to its head, applying and acknowledging page by page. */
  async pull(): Promise<void> {
    this.pulls++;
    for (;;) {
      const query = `/api/sync/changes?limit=500&cursor=${encodeURIComponent(this.cursor)}`;
      const reply = await this.stats.send(
        'changes',
        () => this.client.get<SyncChangesPage>(query),
        [200, 410],
      );
      if (!reply) return;
      if (reply.status === 410) return this.snapshot(); // cursor_reset: start over from a snapshot
      const page = reply.body;
      for (const change of page.changes) {
        if (change.type !== 'photo') continue;
        if (change.op === 'delete') this.library.delete(change.entityId);
        else if (change.photo) await this.apply(change.photo);
      }
      this.cursor = page.cursor;
      await this.ack('changes', page.changes.length);
      if (!page.hasMore) return;
    }
  }

  /** Pulls whenever hinted (or every few seconds) until `done()`. */
  async syncLoop(done: () => boolean): Promise<void> {
    while (!done()) {
      if (!this.hinted)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, FALLBACK_POLL_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      this.wake = undefined;
      if (done()) return;
      this.hinted = false;
      await this.pull();
    }
  }

  stop(): void {
    this.socket?.stop();
    this.wake?.();
  }

  private async apply(photo: Photo): Promise<void> {
    if (this.library.get(photo.id) === photo.sha256) return;
    const reply = await this.stats.send('original', () =>
      this.client.get<Buffer>(`/api/photos/${photo.id}/original`),
    );
    if (!reply) return;
    this.stats.downloadBytes += reply.body.length;
    const sha256 = createHash('sha256').update(reply.body).digest('hex');
    if (sha256 !== photo.sha256) {
      this.stats.corrupt++;
      return this.stats.fail('original', `${photo.id}: SHA-256 ${sha256} is not ${photo.sha256}`);
    }
    this.library.set(photo.id, sha256);
  }

  private async ack(kind: 'snapshot' | 'changes', count: number): Promise<void> {
    await this.stats.send(
      'ack',
      () => this.client.post('/api/sync/ack', { cursor: this.cursor, kind, count }),
      [200, 204],
    );
  }
}
