import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sleep } from './pool.ts';

export const FOLDER_ID = 'bench';

/** Syncthing from Debian's packages; installed on first use (the bench runs as root on a throw-away machine). */
export function ensureSyncthing(log: (line: string) => void): string {
  const version = () => execFileSync('syncthing', ['--version'], { encoding: 'utf8' }).trim();
  try {
    return version();
  } catch {
    log('syncthing is missing: apt-get install -y syncthing');
    execFileSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq syncthing'], {
      stdio: 'inherit',
    });
    return version();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * One Syncthing device on loopback only: its own home, GUI/REST on a random 127.0.0.1 port with an API key,
 * sync on a random 127.0.0.1 port; global and local discovery, relays, NAT traversal, usage reporting, crash
 * reporting and upgrades all off (set in config.xml before the first start, so it never reaches out).
 */
export class SyncthingNode {
  readonly home: string;
  readonly folder: string;
  readonly apiKey = randomBytes(16).toString('hex');
  id = '';
  private child: ChildProcess | undefined;
  private gui = 0;
  listenPort = 0;

  constructor(
    root: string,
    readonly name: string,
  ) {
    this.home = path.join(root, name, 'home');
    this.folder = path.join(root, name, 'folder');
  }

  async init(): Promise<void> {
    fs.mkdirSync(this.folder, { recursive: true });
    execFileSync(
      'syncthing',
      ['generate', `--home=${this.home}`, '--no-default-folder', '--skip-port-probing'],
      {
        stdio: 'ignore',
      },
    );
    [this.gui, this.listenPort] = [await freePort(), await freePort()];
    const file = path.join(this.home, 'config.xml');
    let xml = fs.readFileSync(file, 'utf8');
    const set = (tag: string, value: string) => {
      const re = new RegExp(`<${tag}>[^<]*</${tag}>`, 'g');
      if (!re.test(xml)) throw new Error(`config.xml has no <${tag}>`);
      xml = xml.replace(re, `<${tag}>${value}</${tag}>`);
    };
    xml = xml.replace(
      /(<listenAddress>[^<]*<\/listenAddress>\s*)+/,
      `<listenAddress>tcp://127.0.0.1:${this.listenPort}</listenAddress>\n        `,
    );
    set('globalAnnounceEnabled', 'false');
    set('localAnnounceEnabled', 'false');
    set('relaysEnabled', 'false');
    set('natEnabled', 'false');
    set('urAccepted', '-1');
    set('startBrowser', 'false');
    set('crashReportingEnabled', 'false');
    set('autoUpgradeIntervalH', '0');
    fs.writeFileSync(file, xml);
  }

  get url(): string {
    return `http://127.0.0.1:${this.gui}`;
  }

  async start(): Promise<void> {
    this.child = spawn(
      'syncthing',
      [
        'serve',
        `--home=${this.home}`,
        '--no-browser',
        '--no-restart',
        '--no-upgrade',
        `--gui-address=${this.url}`,
        `--gui-apikey=${this.apiKey}`,
      ],
      { stdio: 'ignore', env: { ...process.env, STNOUPGRADE: '1', STNORESTART: '1' } },
    );
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const status = await this.rest<{ myID: string }>('GET', '/rest/system/status');
        this.id = status.myID;
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await sleep(100);
      }
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }

  pid(): number {
    return this.child?.pid ?? 0;
  }

  async rest<T = unknown>(method: string, route: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}${route}`, {
      method,
      headers: { 'X-API-Key': this.apiKey, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`syncthing ${method} ${route}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Introduces the other device by its static loopback address and shares the one folder with it. */
  async pair(other: SyncthingNode): Promise<void> {
    await this.rest('POST', '/rest/config/devices', {
      deviceID: other.id,
      name: other.name,
      addresses: [`tcp://127.0.0.1:${other.listenPort}`],
    });
    await this.rest('POST', '/rest/config/folders', {
      id: FOLDER_ID,
      label: FOLDER_ID,
      path: this.folder,
      type: 'sendreceive',
      devices: [{ deviceID: this.id }, { deviceID: other.id }],
    });
  }

  /** 10 s is Syncthing's default; 1 s is the fastest setting people use. */
  setWatcherDelay(seconds: number): Promise<unknown> {
    return this.rest('PATCH', `/rest/config/folders/${FOLDER_ID}`, { fsWatcherDelayS: seconds });
  }

  rescan(sub?: string): Promise<unknown> {
    const query = sub ? `&sub=${encodeURIComponent(sub)}` : '';
    return this.rest('POST', `/rest/db/scan?folder=${FOLDER_ID}${query}`);
  }

  folderStatus() {
    return this.rest<{ state: string; localFiles: number; globalFiles: number; needFiles: number }>(
      'GET',
      `/rest/db/status?folder=${FOLDER_ID}`,
    );
  }

  async connectedTo(other: SyncthingNode): Promise<boolean> {
    const c = await this.rest<{ connections: Record<string, { connected: boolean }> }>(
      'GET',
      '/rest/system/connections',
    );
    return Boolean(c.connections[other.id]?.connected);
  }
}

/** Two Syncthing devices sharing one folder, connected to each other and idle. */
export async function syncthingPair(root: string): Promise<[SyncthingNode, SyncthingNode]> {
  const a = new SyncthingNode(root, 'st-a');
  const b = new SyncthingNode(root, 'st-b');
  await Promise.all([a.init(), b.init()]);
  try {
    await Promise.all([a.start(), b.start()]);
    await a.pair(b);
    await b.pair(a);
    await waitFor(
      async () => (await a.connectedTo(b)) && (await b.connectedTo(a)),
      60_000,
      'Syncthing devices to connect',
    );
    await settled([a, b]);
  } catch (err) {
    await Promise.all([a.stop(), b.stop()]);
    throw err;
  }
  return [a, b];
}

/** Waits until every node's folder is idle with nothing needed. */
export async function settled(nodes: readonly SyncthingNode[], timeoutMs = 600_000): Promise<void> {
  await waitFor(
    async () => {
      for (const n of nodes) {
        const s = await n.folderStatus();
        if (s.state !== 'idle' || s.needFiles > 0) return false;
      }
      return true;
    },
    timeoutMs,
    'Syncthing folders to be idle',
  );
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // still starting
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
