import { fmt } from './report.ts';
import { largeBases, smallBases } from './sync-files.ts';
import { shoeboxCatchUp, type CatchUp, type ShoeboxPair } from './sync-run.ts';

/** Syncthing's catch-up on our machine class, from the issue: 88 MB/s on the large set, 71 items/s on the small. */
export const SYNCTHING_CATCH_UP = { largeMbPerSecond: 88, smallItemsPerSecond: 71 };

/** What Syncthing would take for the same files at the rates. */
function anchor(shoebox: CatchUp, seconds: number): CatchUp {
  return {
    files: shoebox.files,
    bytes: shoebox.bytes,
    seconds,
    mbPerSecond: shoebox.bytes / 1e6 / seconds,
    itemsPerSecond: shoebox.files / seconds,
  };
}

/**
 * The catch-up through Shoebox alone (`--no-syncthing`), beside the Syncthing figures: for a quick run on
 * a machine without Syncthing, or a loaded one where running both would double the load. The quiet-machine record
 * runs both side by side.
 */
export async function anchoredCatchUp(
  pair: ShoeboxPair,
  sizes: { large: number; small: number },
  log: (line: string) => void,
) {
  const sets = {
    large: { count: sizes.large, bases: await largeBases(sizes.large), maxExtra: 65_000, label: 'large' },
    small: { count: sizes.small, bases: await smallBases(), maxExtra: 64, label: 'small' },
  };
  log(`catch-up: ${sets.large.count} large files, Shoebox only`);
  const large = await shoeboxCatchUp(pair, sets.large, log);
  log(`  shoebox ${fmt.s(large.seconds)}, ${fmt.n(large.mbPerSecond)} MB/s`);
  log(`catch-up: ${sets.small.count} small files, Shoebox only`);
  const small = await shoeboxCatchUp(pair, sets.small, log);
  log(`  shoebox ${fmt.s(small.seconds)}, ${fmt.n(small.itemsPerSecond)} items/s`);
  return {
    large: {
      shoebox: large,
      syncthing: anchor(large, large.bytes / 1e6 / SYNCTHING_CATCH_UP.largeMbPerSecond),
    },
    small: { shoebox: small, syncthing: anchor(small, small.files / SYNCTHING_CATCH_UP.smallItemsPerSecond) },
  };
}
