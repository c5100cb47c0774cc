import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy.ts';

// The pair profile's load balancer: if it sent everything to one instance, the profile would prove nothing.

function backend(name: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.end(JSON.stringify({ name, method: req.method, url: req.url, host: req.headers.host, body }));
    });
  });
  server.on('upgrade', (req, socket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
    socket.write(`${name}:`);
    socket.pipe(socket);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

interface Echo {
  name: string;
  url: string;
  host: string;
  body: string;
}

const urlOf = (server: http.Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

describe('the round-robin proxy', () => {
  let one: http.Server;
  let two: http.Server;
  let proxy: RoundRobinProxy;

  beforeAll(async () => {
    [one, two] = await Promise.all([backend('one'), backend('two')]);
    proxy = await startRoundRobinProxy([urlOf(one), urlOf(two)]);
  });
  afterAll(async () => {
    await proxy.close();
    for (const server of [one, two]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('sends requests to the instances in turn, with method, path, body, host and headers intact', async () => {
    const replies: Echo[] = [];
    for (let i = 0; i < 4; i++) {
      const reply = await fetch(`${proxy.url}/p/${i}?q=1`, { method: 'POST', body: `body ${i}` });
      expect(reply.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
      replies.push((await reply.json()) as Echo);
    }
    expect(replies.map((r) => r.name)).toEqual(['one', 'two', 'one', 'two']);
    expect(replies[3]).toMatchObject({ url: '/p/3?q=1', body: 'body 3', host: new URL(proxy.url).host });
  });

  it('passes a protocol upgrade through to one instance and splices the sockets', async () => {
    const echoed = await new Promise<string>((resolve, reject) => {
      const req = http.request(proxy.url, { headers: { connection: 'Upgrade', upgrade: 'echo' } });
      req.on('upgrade', (res, socket, head) => {
        expect(res.statusCode).toBe(101);
        let got = head.toString();
        socket.on('data', (d: Buffer) => {
          got += d.toString();
          if (got.endsWith('ping')) {
            socket.destroy();
            resolve(got);
          }
        });
        socket.write('ping');
      });
      req.on('error', reject);
      req.end();
    });
    expect(echoed).toMatch(/^(one|two):ping$/);
  });
});
