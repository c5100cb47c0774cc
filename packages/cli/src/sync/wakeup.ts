/**
 * A wake-up call for the agent's loop: file events, socket hints and timers all poke it, and pokes that arrive
 * while a pass is running are remembered, so nothing that happened during a pass is missed.
 */
export class Wakeup {
  private pending = false;
  private resolve: (() => void) | undefined;

  poke(): void {
    this.pending = true;
    this.resolve?.();
  }

  /** Resolves at the next poke (or at once if one is pending), or after `ms`. */
  async wait(ms: number): Promise<void> {
    if (!this.pending)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        this.resolve = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    this.resolve = undefined;
    this.pending = false;
  }
}
