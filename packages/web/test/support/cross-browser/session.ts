/**
 * One browser window (its own cookies and storage) in any engine. Engines implement the few native primitives;
 * everything a test says ("click the button named Allow", "wait for this text") is built here once, on top of them.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { SHOTS } from '../browser.ts';
import { describeTarget, locateExpression, type Target } from './locate.ts';

export type { Target } from './locate.ts';
export type EngineName = 'firefox' | 'webkit';
/** Chromium runs only flows shared with the others (cross-browser/live-flows.ts), not the main flows. */
export type WindowEngine = EngineName | 'chromium';
export type Key = 'Escape' | 'ArrowLeft' | 'ArrowRight';
export interface Viewport {
  width: number;
  height: number;
}
export const CROSS_BROWSER_SHOTS = path.join(SHOTS, 'cross-browser');

/** The native operations each engine provides; `css` is always a selector that `locateExpression` produced. */
export interface NativeWindow {
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  /** Evaluates a JS expression in the page (awaiting a promise) and returns its JSON value. */
  evaluate(expression: string): Promise<unknown>;
  click(css: string): Promise<void>;
  /** Clears the field, then types into it key by key. */
  type(css: string, text: string): Promise<void>;
  setFiles(css: string, files: string[]): Promise<void>;
  selectOption(css: string, value: string): Promise<void>;
  press(key: Key): Promise<void>;
  screenshot(): Promise<Buffer>;
  /** Sets the window so that the page gets (about) this size; returns the page's actual inner size. */
  resize(size: Viewport): Promise<Viewport>;
  close(): Promise<void>;
}

export interface Engine {
  name: WindowEngine;
  /** A new window with its own profile (storage, cookies): another device, as far as the server can tell. */
  newWindow(viewport: Viewport): Promise<NativeWindow>;
  close(): Promise<void>;
}

const POLL_MS = 100;
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export class Session {
  constructor(
    readonly engine: WindowEngine,
    readonly native: NativeWindow,
  ) {}

  static async open(engine: Engine, viewport: Viewport): Promise<Session> {
    return new Session(engine.name, await engine.newWindow(viewport));
  }

  goto(url: string): Promise<void> {
    return this.native.goto(url);
  }

  reload(): Promise<void> {
    return this.native.reload();
  }

  async evaluate<T>(expression: string): Promise<T> {
    return (await this.native.evaluate(expression)) as T;
  }

  /** Polls until `read` returns something other than undefined/null/false; fails naming what it waited for. */
  async until<T>(
    what: string,
    read: () => Promise<T | null | undefined | false>,
    timeout = 30_000,
  ): Promise<T> {
    const deadline = Date.now() + timeout;
    let last: unknown;
    for (;;) {
      try {
        const value = await read();
        if (value !== null && value !== undefined && value !== false) return value;
      } catch (error) {
        last = error; // navigations can interrupt a poll: try again until the deadline
      }
      if (Date.now() > deadline) {
        const reason = last instanceof Error ? ` (last error: ${last.message})` : '';
        throw new Error(
          `[${this.engine}] timed out after ${timeout} ms waiting for ${what}${reason}${await this.evidence()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** What the page showed when a wait failed: a screenshot beside the others, and the start of its text. */
  private async evidence(): Promise<string> {
    try {
      const name = `FAILED-${Date.now()}`;
      await this.shoot(name);
      const text = await this.evaluate<string>('document.body.innerText');
      return `\n  screenshot: ${this.engine}-${name}.png\n  page text: ${text.replace(/\s+/g, ' ').slice(0, 600)}`;
    } catch (error) {
      return `\n  (no evidence: ${String(error)})`;
    }
  }

  /** Waits for the target and returns a selector for it. */
  find(target: Target, timeout?: number): Promise<string> {
    return this.until(
      describeTarget(target),
      () => this.evaluate<string | null>(locateExpression(target)),
      timeout,
    );
  }

  async waitFor(target: Target, timeout?: number): Promise<void> {
    await this.find(target, timeout);
  }

  async waitGone(target: Target, timeout?: number): Promise<void> {
    await this.until(
      `${describeTarget(target)} to go away`,
      async () => (await this.evaluate<string | null>(locateExpression(target))) === null,
      timeout,
    );
  }

  isPresent(target: Target): Promise<boolean> {
    return this.evaluate<string | null>(locateExpression(target)).then((css) => css !== null);
  }

  text(target: Target, timeout?: number): Promise<string> {
    return this.until(
      describeTarget(target),
      () => this.evaluate<string | null>(locateExpression(target, true)),
      timeout,
    );
  }

  /** Waits until the target's text satisfies `test`; returns that text. */
  textMatching(target: Target, test: RegExp, timeout?: number): Promise<string> {
    return this.until(
      `${describeTarget(target)} to read ${String(test)}`,
      async () => {
        const text = await this.evaluate<string | null>(locateExpression(target, true));
        return text !== null && test.test(text) ? text : null;
      },
      timeout,
    );
  }

  async click(target: Target): Promise<void> {
    await this.native.click(await this.find(target));
  }

  async fill(target: Target, text: string): Promise<void> {
    await this.native.type(await this.find(target), text);
  }

  async setFiles(target: Target, files: string[]): Promise<void> {
    await this.native.setFiles(await this.find({ ...target, hidden: true }), files);
  }

  async selectOption(target: Target, value: string): Promise<void> {
    await this.native.selectOption(await this.find(target), value);
  }

  press(key: Key): Promise<void> {
    return this.native.press(key);
  }

  resize(size: Viewport): Promise<Viewport> {
    return this.native.resize(size);
  }

  /** Saves test-artifacts/screenshots/cross-browser/<engine>-<name>.png once fades and images have settled. */
  async shoot(name: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 200));
    fs.mkdirSync(CROSS_BROWSER_SHOTS, { recursive: true });
    fs.writeFileSync(
      path.join(CROSS_BROWSER_SHOTS, `${this.engine}-${name}.png`),
      await this.native.screenshot(),
    );
  }

  /** Runs axe-core in this engine; returns the ids and targets of serious and critical violations. */
  seriousAxeViolations(): Promise<string[]> {
    return this.evaluate<string[]>(`(function () {
      ${AXE_SOURCE};
      return window.axe.run(document, { resultTypes: ['violations'] }).then(function (r) {
        return r.violations
          .filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
          .map(function (v) {
            return v.id + ': ' + v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); }).join(', ');
          });
      });
    })()`);
  }

  /** A screenshot, then an accessibility check of the page as this engine renders it. */
  async check(name: string): Promise<void> {
    await this.shoot(name);
    const violations = await this.seriousAxeViolations();
    if (violations.length > 0) {
      throw new Error(
        `[${this.engine}] axe: serious/critical violations on ${name}:\n  ${violations.join('\n  ')}`,
      );
    }
  }

  close(): Promise<void> {
    return this.native.close();
  }
}
