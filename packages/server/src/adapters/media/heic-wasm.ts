import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { HEIC_WORKER_SOURCE } from './heic-worker-source.ts';

export interface HeicPixels {
  /** Size of the image as coded, after the container's rotation. */
  width: number;
  height: number;
  /** RGB or RGBA (see `channels`), rotated and mirrored as the container says; maybe smaller, see `decode`. */
  data: Uint8Array;
  /** 3 (RGB), or 4 (RGBA) for images with alpha or more than 8 bits, which libheif converts itself. */
  channels: 3 | 4;
  pixelWidth: number;
  pixelHeight: number;
  /** Size of the thread's WebAssembly heap after this decode. */
  heapBytes: number;
}

export interface HeicDecoderOptions {
  /**
   * Have libheif convert every image to RGBA, as it does for those with alpha or more than 8 bits, instead of
   * converting 8-bit YCbCr in the thread: for tests, to compare the two.
   */
  libheifConversion?: boolean;
  /** See HEIC_RETAIN_HEAP_BYTES. */
  retainHeapBytes?: number;
}

type Reply = { ready: true } | { id: number; error: string } | ({ id: number } & HeicPixels);

interface Pending {
  resolve(pixels: HeicPixels): void;
  reject(err: Error): void;
}

/**
 * How long an idle decoder thread is kept. The WebAssembly heap only ever grows (25-80 MB for a 12 MP photo) and
 * is returned only when its thread ends. Starting a thread costs ~0.15 s of CPU, so a burst of HEIC photos
 * shares one, but it does not linger beside the decoding of other photos.
 */
export const HEIC_IDLE_MS = 1000;

/**
 * A thread whose heap has grown beyond this is ended as soon as no decode waits for it, and before the result is
 * returned: the caller then decodes other photos, and a single-frame 12 MP HEIC (80 MB of heap, where the
 * 512-pixel tiles of an iPhone photo need 25-40 MB) should not sit beside them for `idleMs`.
 */
export const HEIC_RETAIN_HEAP_BYTES = 48 * 1024 * 1024;

/**
 * libheif compiled to WebAssembly, in a worker thread: its decoding (about a second for 12 MP) does not block the
 * event loop, and its memory goes away with the thread once it has been idle for `idleMs`. Files are decoded one
 * at a time, in order.
 */
export function createHeicDecoder(idleMs = HEIC_IDLE_MS, options: HeicDecoderOptions = {}) {
  let current: Thread | null = null;
  let idleTimer: NodeJS.Timeout | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  const retainHeapBytes = options.retainHeapBytes ?? HEIC_RETAIN_HEAP_BYTES;

  function thread(): Thread {
    if (current) return current;
    const started = startThread(options, () => {
      if (current === started) current = null;
    });
    current = started;
    return started;
  }

  async function stopNow(): Promise<void> {
    clearTimeout(idleTimer);
    const stopping = current;
    current = null;
    await stopping?.worker.terminate();
  }

  function stop(): void {
    void stopNow();
  }

  function stopWhenIdle(): void {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(stop, idleMs);
    // An idle decoder must not keep the process alive.
    idleTimer.unref();
  }

  async function decodeOne(path: string, minLongSide: number): Promise<HeicPixels> {
    clearTimeout(idleTimer);
    let pixels: HeicPixels | undefined;
    try {
      pixels = await thread().decode(path, minLongSide);
      return pixels;
    } finally {
      waiting--;
      if (waiting === 0 && pixels && pixels.heapBytes > retainHeapBytes) await stopNow();
      else stopWhenIdle();
    }
  }

  return {
    /**
     * Decodes the primary image of a HEIC file to RGB(A) pixels, halved (2x2 averages) while the long side stays
     * at least `minLongSide`: the caller makes a preview of that size, and a quarter of the pixels is a quarter of
     * the memory.
     */
    decode(path: string, minLongSide = Infinity): Promise<HeicPixels> {
      waiting++;
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
function startThread(options: HeicDecoderOptions, ended: () => void): Thread {
  const workerData = { libheif: libheifPath(), libheifConversion: options.libheifConversion ?? false };
  const worker = new Worker(HEIC_WORKER_SOURCE, { eval: true, workerData });
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

/**
 * libheif-js's WebAssembly build (libheif.js beside its libheif.wasm), from where `heic-decode`, the declared
 * dependency that brings it, finds it; its C API is used directly, see heic-worker-source.ts.
 */
function libheifPath(): string {
  const heicDecode = createRequire(import.meta.url).resolve('heic-decode');
  return createRequire(heicDecode).resolve('libheif-js/libheif-wasm/libheif.js');
}
