/**
 * A wake-up call for the agent's loop: file events, socket hints and timers all poke it, and pokes that arrive
 * while a pass is running are remembered, so nothing that happened during a pass is missed.
 */
export class Wakeup {
  private pending = false;
  /** Whether anything but the folder's own file events poked since the last wait. */
  private beyondFolder = false;
  private resolve: (() => void) | undefined;

  /** `folderOnly`: a file event in the synced folder, which says nothing about the server. */
  poke(folderOnly = false): void {
    this.pending = true;
    if (!folderOnly) this.beyondFolder = true;
    this.resolve?.();
  }

  /**
   * Resolves at the next poke (or at once if one is pending), or after `ms`. True unless only file events woke
   * it: a hint, a lost socket, a stop or the timer may all mean the server has something new.
   */
  async wait(ms: number): Promise<boolean> {
    let timedOut = false;
    if (!this.pending)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timedOut = true;
          resolve();
        }, ms);
        this.resolve = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    const beyond = timedOut || this.beyondFolder;
    this.resolve = undefined;
    this.pending = false;
    this.beyondFolder = false;
    return beyond;
  }
}
