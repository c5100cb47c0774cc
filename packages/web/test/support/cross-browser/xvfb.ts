/** Child processes the WebKit driver needs: a virtual X display, and WebKitWebDriver on a free loopback port. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

export const XVFB = '/usr/bin/Xvfb';

export interface Child {
  process: ChildProcess;
  stderr: () => string;
  stop(): Promise<void>;
}

function track(child: ChildProcess): Child {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  return {
    process: child,
    stderr: () => stderr,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Starts Xvfb on a display it chooses itself (-displayfd), so parallel test files never collide. */
export async function startXvfb(): Promise<{ display: string; child: Child }> {
  if (!fs.existsSync(XVFB))
    throw new Error(`Xvfb is missing at ${XVFB}. Run \`bash scripts/ensure-browsers.sh\`.`);
  const child = track(
    spawn(XVFB, ['-displayfd', '3', '-screen', '0', '1600x1200x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    }),
  );
  const display = await new Promise<string>((resolve, reject) => {
    let out = '';
    const fd3 = child.process.stdio[3] as NodeJS.ReadableStream;
    fd3.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
    child.process.once('exit', (code) =>
      reject(new Error(`Xvfb exited (${code}) before it was ready: ${child.stderr()}`)),
    );
    setTimeout(
      () => reject(new Error(`Xvfb did not report a display within 10 s: ${child.stderr()}`)),
      10_000,
    );
  });
  return { display, child };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a driver binary with `--port=N` and waits for its W3C /status to answer. */
export async function startDriver(
  binary: string,
  env: NodeJS.ProcessEnv,
): Promise<{ port: number; child: Child }> {
  const port = await freePort();
  const child = track(spawn(binary, [`--port=${port}`], { stdio: ['ignore', 'ignore', 'pipe'], env }));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.process.exitCode !== null) {
      throw new Error(`${binary} exited (${child.process.exitCode}) at start: ${child.stderr()}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/status`);
      if (response.ok) return { port, child };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(`${binary} did not answer /status on port ${port} within 15 s: ${child.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
