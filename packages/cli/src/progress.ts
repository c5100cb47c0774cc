import type { Output } from './output.ts';
import { formatBytes } from './output.ts';

/** A one-line progress bar on stderr, only when stderr is a terminal and output is not JSON. */
export function createProgress(out: Output, files: number, bytes: number) {
  const enabled = !out.json && process.stderr.isTTY;
  const started = Date.now();
  let doneFiles = 0;
  let doneBytes = 0;
  let last = 0;
  const draw = (force = false) => {
    if (!enabled) return;
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    const ratio = bytes > 0 ? doneBytes / bytes : doneFiles / Math.max(1, files);
    const width = 24;
    const filled = Math.round(ratio * width);
    const rate = doneBytes / Math.max(0.001, (now - started) / 1000);
    process.stderr.write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${doneFiles}/${files} files ${formatBytes(doneBytes)}/${formatBytes(bytes)} ${formatBytes(rate)}/s `,
    );
  };
  return {
    advance(size: number) {
      doneFiles++;
      doneBytes += size;
      draw();
    },
    done() {
      draw(true);
      if (enabled) process.stderr.write('\n');
    },
  };
}
