import fs from 'node:fs';
import path from 'node:path';

export interface TreeWatcher {
  on(event: 'error', listener: (err: Error) => void): void;
  close(): void;
}

/**
 * `fs.watch(root, { recursive: true })` for the synced folder. On Linux, Node (20) emulates recursion in
 * JavaScript with a watcher per FILE, and re-walks the folder on every new entry: a catch-up of 1,000 files cost
 * more CPU in that walk than in the downloads, and it grows with the square of the folder. Here each FOLDER gets
 * one watcher (inotify reports the files inside a watched folder: created, written, renamed, deleted), hidden
 * folders (the agent's own temp and trash) none, and a new folder is watched as it appears. Elsewhere the
 * platform's native recursive watch is used as is.
 */
export function watchTree(root: string, listener: (event: string, name: string | null) => void): TreeWatcher {
  if (process.platform !== 'linux') {
    return fs.watch(root, { recursive: true }, (event, name) =>
      listener(event, name === null ? null : String(name)),
    );
  }
  const watchers = new Map<string, fs.FSWatcher>();
  const errorListeners: ((err: Error) => void)[] = [];
  let closed = false;

  const forget = (rel: string) => {
    for (const [key, watcher] of watchers)
      if (key === rel || key.startsWith(`${rel}/`)) {
        watcher.close();
        watchers.delete(key);
      }
  };

  const watchFolder = (rel: string) => {
    if (closed || watchers.has(rel)) return;
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(path.join(root, rel), (event, name) => {
        if (name === null) return listener(event, rel || null);
        const child = rel ? `${rel}/${String(name)}` : String(name);
        listener(event, child);
        // Created, moved or deleted: a folder that appeared is watched with everything under it.
        if (event === 'rename' && !String(name).startsWith('.')) {
          const stat = fs.statSync(path.join(root, child), { throwIfNoEntry: false });
          if (stat?.isDirectory()) watchAll(child);
          else forget(child);
        }
      });
    } catch {
      return; // gone already, or not readable: the periodic pass covers it
    }
    watcher.on('error', (err) => {
      forget(rel);
      // Only the root's watcher failing is the caller's concern (a removed sub-folder is not).
      if (rel === '') for (const l of errorListeners) l(err);
    });
    watchers.set(rel, watcher);
  };

  const watchAll = (rel: string) => {
    watchFolder(rel);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries)
      if (entry.isDirectory() && !entry.name.startsWith('.'))
        watchAll(rel ? `${rel}/${entry.name}` : entry.name);
  };

  watchAll('');
  return {
    on(_event, l) {
      errorListeners.push(l);
    },
    close() {
      closed = true;
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
