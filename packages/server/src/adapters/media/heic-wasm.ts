import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface HeicPixels {
  /** Size of the image as coded, after the container's rotation. */
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, rotated and mirrored as the container says; maybe smaller, see `decode`. */
  data: Uint8Array;
  pixelWidth: number;
  pixelHeight: number;
}

type Reply = { ready: true } | { id: number; error: string } | ({ id: number } & HeicPixels);

interface Pending {
  resolve(pixels: HeicPixels): void;
  reject(err: Error): void;
}

/**
 * The thread's code, as source so that Node runs it as it is whichever runner (tsx, vitest) started the server.
 * It decodes one file per message and transfers the RGBA pixels back.
 */
const WORKER_SOURCE = `
const { readFile } = require('node:fs/promises');
const { parentPort, workerData } = require('node:worker_threads');
const decode = require(workerData.decoder);

// 2x2 box average: what libvips' shrink-on-load does for JPEG, so a HEIC is not sent over at 4x the size needed.
function halve(data, width, height) {
  const w = width >> 1, h = height >> 1, out = new Uint8Array(w * h * 4), row = width * 4;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const a = 2 * y * row + x * 8, b = a + row, o = (y * w + x) * 4;
      for (let c = 0; c < 4; c++) out[o + c] = (data[a + c] + data[a + 4 + c] + data[b + c] + data[b + 4 + c] + 2) >> 2;
    }
  }
  return out;
}

parentPort.on('message', async ({ id, path, minLongSide }) => {
  try {
    const { width, height, data } = await decode({ buffer: await readFile(path) });
    let [pixels, pixelWidth, pixelHeight] = [data, width, height];
    while (Math.max(pixelWidth, pixelHeight) >= 2 * minLongSide) {
      pixels = halve(pixels, pixelWidth, pixelHeight);
      [pixelWidth, pixelHeight] = [pixelWidth >> 1, pixelHeight >> 1];
    }
    const reply = { id, width, height, data: pixels, pixelWidth, pixelHeight };
    parentPort.postMessage(reply, [pixels.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
parentPort.postMessage({ ready: true });
`;

/**
 * How long an idle decoder thread is kept. The WebAssembly heap only ever grows (about 150 MB for a 12 MP photo)
 * and is returned only when its thread ends. Starting a thread costs ~0.15 s of CPU, so a burst of HEIC photos
 * shares one, but it does not linger beside the decoding of other photos.
 */
export const HEIC_IDLE_MS = 1000;

/**
 * libheif compiled to WebAssembly, in a worker thread: its decoding (about a second for 12 MP) does not block the
 * event loop, and its memory goes away with the thread once it has been idle for `idleMs`. Files are decoded one
 * at a time, in order.
 */
export function createHeicDecoder(idleMs = HEIC_IDLE_MS) {
  let current: Thread | null = null;
  let idleTimer: NodeJS.Timeout | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  function thread(): Thread {
    if (current) return current;
    const started = startThread(() => {
      if (current === started) current = null;
    });
    current = started;
    return started;
  }

  function stop(): void {
    clearTimeout(idleTimer);
    const stopping = current;
    current = null;
    void stopping?.worker.terminate();
  }

  function stopWhenIdle(): void {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(stop, idleMs);
    // An idle decoder must not keep the process alive.
    idleTimer.unref();
  }

  async function decodeOne(path: string, minLongSide: number): Promise<HeicPixels> {
    clearTimeout(idleTimer);
    try {
      return await thread().decode(path, minLongSide);
    } finally {
      stopWhenIdle();
    }
  }

  return {
    /**
     * Decodes the primary image of a HEIC file to RGBA pixels, halved (2x2 averages) while the long side stays at
     * least `minLongSide`: the caller makes a preview of that size, and a quarter of the pixels is a quarter of
     * the memory.
     */
    decode(path: string, minLongSide = Infinity): Promise<HeicPixels> {
      const result = queue.then(() => decodeOne(path, minLongSide));
      queue = result.catch(() => undefined);
      return result;
    },
    /** Starts the thread and compiles the decoder now, so the first photo does not wait for it. */
    async warm(): Promise<void> {
      await thread().ready;
      stopWhenIdle();
    },
    /** Whether a decoder thread (and its memory) exists right now. */
    get running(): boolean {
      return current !== null;
    },
    stop,
  };
}

export type HeicDecoder = ReturnType<typeof createHeicDecoder>;

interface Thread {
  worker: Worker;
  /** Settles once the decoder is compiled; rejects if the thread died first. */
  ready: Promise<void>;
  decode(path: string, minLongSide: number): Promise<HeicPixels>;
}

/** One decoder thread. `ended` runs when it exits, for whatever reason. */
function startThread(ended: () => void): Thread {
  const decoder = createRequire(import.meta.url).resolve('heic-decode');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { decoder } });
  // Only a decode in progress keeps the process alive, not an idle thread.
  worker.unref();
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let markReady: () => void = () => undefined;
  let failReady: (err: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    [markReady, failReady] = [resolve, reject];
  });
  // Nobody may be waiting for `ready` when the thread dies; that is not an unhandled rejection.
  ready.catch(() => undefined);
  worker.on('message', (reply: Reply) => {
    if ('ready' in reply) return markReady();
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if ('error' in reply) waiter?.reject(new Error(reply.error));
    else waiter?.resolve(reply);
  });
  // A crash (the WebAssembly heap cannot grow, say) fails what it was doing; the next call starts a new thread.
  const fail = (err: Error) => {
    ended();
    failReady(err);
    for (const waiter of pending.values()) waiter.reject(err);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`The HEIC decoder stopped (exit code ${code}).`)));
  return {
    worker,
    ready,
    async decode(path, minLongSide) {
      await ready;
      const id = nextId++;
      const reply = new Promise<HeicPixels>((resolve, reject) => pending.set(id, { resolve, reject }));
      worker.ref();
      worker.postMessage({ id, path, minLongSide });
      try {
        return await reply;
      } finally {
        worker.unref();
      }
    },
  };
}
