import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import {
  Device,
  PASSWORD,
  cleanUp,
  createAccount,
  failed,
  shoebox,
  tempDir,
  type Run,
} from './support/cli.ts';

const USAGE = 2;
const FAILURE = 1;

// Every failure looks the same to a script: non-zero exit, nothing on stdout, one `shoebox: ` line on stderr.
// The checks live in failed(); here are the situations, run side by side since they are independent.
describe('failures', { timeout: 180_000 }, () => {
  let server: TestServer;
  let admin: Device;
  let web: http.Server;
  let webUrl: string;
  let closedUrl: string;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    admin = new Device(server.url, 'admin');
    await createAccount(admin, 'admin@example.com');
    await admin.login('admin@example.com');
    // Some other web server: a page for `/`, 404 pages elsewhere.
    web = http.createServer((req, res) => {
      res.writeHead(req.url === '/api/server' ? 200 : 404, { 'content-type': 'text/html' });
      res.end('<html><body>Welcome to nginx!</body></html>');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    // A port that was just free: nothing listens there.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((resolve) => probe.close(resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => web.close(resolve));
    await server.close();
    cleanUp();
  });

  it('reports usage mistakes with exit code 2 and a pointer to the right --help', async () => {
    const cases: [string[], string][] = [
      [['frobnicate'], "unknown command 'frobnicate' (see `shoebox --help`)"],
      [['help', 'frobnicate'], "unknown command 'frobnicate' (see `shoebox --help`)"],
      [['lgout'], "unknown command 'lgout' (Did you mean logout?) (see `shoebox --help`)"],
      [['albums', 'shuffle'], "unknown command 'shuffle' (see `shoebox albums --help`)"],
      [['--json', 'ls', '--colour'], "unknown option '--colour' (see `shoebox ls --help`)"],
      [['info'], "missing required argument 'id' (see `shoebox info --help`)"],
      [['login'], "required option '--email <email>' not specified (see `shoebox login --help`)"],
      [[], 'No command given (see `shoebox --help`)'],
      [
        ['admin'],
        '`shoebox admin` needs a command: signup, invite, staff-looks (see `shoebox admin --help`)',
      ],
      [
        ['upload', '-c', '99', 'x.jpg'],
        "option '-c, --concurrency <n>' argument '99' is invalid. Expected a whole number from 1 to 32 (see `shoebox upload --help`)",
      ],
      [
        ['get', 'x', '--variant', 'huge'],
        "option '--variant <variant>' argument 'huge' is invalid. Allowed choices are original, preview, thumbnail (see `shoebox get --help`)",
      ],
      [
        ['admin', 'signup', 'maybe'],
        "command-argument value 'maybe' is invalid for argument 'policy'. Allowed choices are open, invite, closed (see `shoebox admin signup --help`)",
      ],
      [
        ['--server', 'ftp://x', 'server-info'],
        'The server address "ftp://x" must start with http:// or https://.',
      ],
    ];
    const home = tempDir('usage');
    const runs = await Promise.all(cases.map(([args]) => shoebox(['--home', home, ...args])));
    runs.forEach((run, i) => expect(failed(run, USAGE)).toBe(cases[i]?.[1]));
  });

  it('reports failed operations with exit code 1, in --json mode too', async () => {
    const fresh = new Device(server.url, 'fresh');
    const damaged = new Device(server.url, 'damaged');
    fs.writeFileSync(path.join(damaged.home, 'device.json'), '{"installationId": "abc", "tok');
    const password = { stdin: `${PASSWORD}\n` };
    const at = (url: string, args: string[], options = {}) =>
      shoebox(['--server', url, '--home', fresh.home, ...args], options);
    const notSignedIn = 'Not signed in on this device: run `shoebox login --email <e-mail>` first.';
    const noPhoto = 'No photo with id "no-such-id" in this library.';
    const cases: [Promise<Run>, string][] = [
      [
        at(closedUrl, ['login', '--email', 'a@example.com', '--password-stdin', '--json'], password),
        `Cannot reach the Shoebox server at ${closedUrl} (connection refused); is it running? Set --server or SHOEBOX_SERVER.`,
      ],
      [fresh.run(['ls', '--json']), notSignedIn],
      [
        fresh.run(['login', '--email', 'admin@example.com', '--password-stdin', '--json'], {
          stdin: 'wrong-password-99',
        }),
        'The e-mail or password is not correct.',
      ],
      [
        fresh.run(['login', '--email', 'admin@example.com']),
        'No terminal to ask for the password: use --password-stdin.',
      ],
      [
        fresh.run(['login', '--email', 'admin@example.com', '--password-stdin']),
        'No password on standard input.',
      ],
      [admin.run(['info', 'no-such-id', '--json']), noPhoto],
      [admin.run(['delete', 'no-such-id', '--json']), noPhoto],
      [admin.run(['albums', 'rename', 'no-such-id', 'x']), 'Album not found.'],
      [
        admin.run(['upload', '/no/such/dir', '/no/such/a.jpg']),
        'No such file or folder: /no/such/dir, /no/such/a.jpg',
      ],
      [
        shoebox(['--server', closedUrl, '--home', admin.home, 'ls']),
        `This device is signed in to ${server.url}, not ${closedUrl}: run \`shoebox login\` there, or use another --home.`,
      ],
      [
        damaged.run(['whoami']),
        `${path.join(damaged.home, 'device.json')} is damaged; move it away to start this device afresh.`,
      ],
      [at(webUrl, ['server-info']), `The server at ${webUrl} did not answer like a Shoebox server.`],
      [
        at(webUrl, ['login', '--email', 'a@example.com', '--password-stdin'], password),
        `The server at ${webUrl} answered 404 Not Found without saying why.`,
      ],
    ];
    const runs = await Promise.all(cases.map(([run]) => run));
    runs.forEach((run, i) => expect(failed(run, FAILURE)).toBe(cases[i]?.[1]));
    // A damaged device.json is reported, never silently replaced by a new device identity.
    expect(fs.readFileSync(path.join(damaged.home, 'device.json'), 'utf8')).toBe(
      '{"installationId": "abc", "tok',
    );
  });

  it('gives up on a server that takes the connection but never answers', async () => {
    // Regression: `server-info` against such a server waited for as long as the user did.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const started = Date.now();
      const run = await shoebox(['--server', url, 'server-info'], { env: { SHOEBOX_REQUEST_TIMEOUT: '1' } });
      expect(failed(run, 1)).toBe(
        `The Shoebox server at ${url} did not answer within 1 s; it may be overloaded or stuck (SHOEBOX_REQUEST_TIMEOUT sets how long to wait).`,
      );
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      silent.close();
    }
  });

  it('notices a session that was ended elsewhere', async () => {
    // A copy of the admin's home holds the same session; signing out in one ends it for the other.
    const copy = new Device(server.url, 'copy');
    fs.copyFileSync(path.join(admin.home, 'device.json'), path.join(copy.home, 'device.json'));
    await copy.json(['logout']);
    // One after the other: run together, a logout that finished first left whoami nothing to ask with.
    const who = await admin.run(['whoami', '--json']);
    const logout = await admin.run(['logout']);
    expect(failed(who, FAILURE)).toBe('The session has ended or was revoked; sign in again.');
    // Signing out of a session the server already ended still clears the token here.
    expect(logout.stdout).toBe(`Signed out of ${server.url}.\n`);
    expect(logout.code).toBe(0);
  });
});
