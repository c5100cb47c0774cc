import { describe, expect, it } from 'vitest';
import { WorkPool, ndjsonLines } from '../src/sync/stream.ts';

/** A body delivered in the given pieces, counting how many the reader has pulled. */
function body(pieces: Uint8Array[]) {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = pieces[pulled++];
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
  return { stream, pulled: () => pulled };
}

async function collect<T>(lines: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

describe('the snapshot stream reader', () => {
  it('reassembles lines split anywhere, even inside a multi-byte character', async () => {
    const text = `${JSON.stringify({ name: 'Zoë 北京' })}\n${JSON.stringify({ n: 2 })}\n\n${JSON.stringify({ n: 3 })}`;
    const bytes = new TextEncoder().encode(text);
    // Every split point, including those between the bytes of "ë" and "北".
    for (let cut = 1; cut < bytes.length; cut++) {
      const { stream } = body([bytes.slice(0, cut), bytes.slice(cut)]);
      expect(await collect(ndjsonLines(stream))).toEqual([{ name: 'Zoë 北京' }, { n: 2 }, { n: 3 }]);
    }
  });

  it('pulls the body only as fast as lines are consumed', async () => {
    const line = new TextEncoder().encode('{"n":1}\n');
    const { stream, pulled } = body(Array.from({ length: 100 }, () => line));
    const lines = ndjsonLines(stream);
    await lines.next();
    await lines.next();
    // A reader that buffered the whole answer would have pulled all 100 pieces by now.
    expect(pulled()).toBeLessThan(10);
    await lines.return(undefined);
  });

  it('refuses a line that is not JSON', async () => {
    const { stream } = body([new TextEncoder().encode('{"n":1}\nnot json\n')]);
    await expect(collect(ndjsonLines(stream))).rejects.toThrow(SyntaxError);
  });
});

describe('the work pool', () => {
  it('runs at most its size at a time and waits for all of them', async () => {
    const pool = new WorkPool(3);
    let running = 0;
    let most = 0;
    let done = 0;
    for (let i = 0; i < 20; i++)
      await pool.run(async () => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setTimeout(resolve, 2 + (i % 3)));
        running--;
        done++;
      });
    await pool.drain();
    expect(most).toBe(3);
    expect(done).toBe(20);
  });

  it('stops taking work after a failure and reports it', async () => {
    const pool = new WorkPool(2);
    let started = 0;
    const attempt = async () => {
      for (let i = 0; i < 10; i++)
        await pool.run(async () => {
          started++;
          await new Promise((resolve) => setTimeout(resolve, 1));
          if (i === 1) throw new Error('disk full');
        });
      await pool.drain();
    };
    await expect(attempt()).rejects.toThrow('disk full');
    expect(started).toBeLessThan(10);
  });

  it('reports a failure only once the tasks still running have ended (none writes after the caller gave up)', async () => {
    const pool = new WorkPool(3);
    let running = 0;
    const attempt = async () => {
      for (let i = 0; i < 10; i++)
        await pool.run(async () => {
          running++;
          try {
            if (i === 0) throw new Error('cut');
            await new Promise((resolve) => setTimeout(resolve, 30));
          } finally {
            running--;
          }
        });
      await pool.drain();
    };
    await expect(attempt()).rejects.toThrow('cut');
    expect(running).toBe(0);
  });
});
