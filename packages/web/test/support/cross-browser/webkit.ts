/**
 * WebKit, the engine Safari uses, as Debian ships it: WebKitGTK's MiniBrowser driven by WebKitWebDriver through the
 * `webdriver` package (W3C WebDriver classic). This MiniBrowser (WebKitGTK 2.50, GTK 3) has no headless mode, so it
 * runs on an Xvfb display this module starts. Every window is its own WebKitWebDriver + MiniBrowser process: in
 * automation mode MiniBrowser keeps its data ephemeral, so two windows are two devices to the server.
 */
import fs from 'node:fs';
import path from 'node:path';
import WebDriver, { type Client } from 'webdriver';
import type { Engine, Key, NativeWindow, Viewport } from './session.ts';
import { startDriver, startXvfb, type Child } from './xvfb.ts';

export const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver';
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const KEYS: Record<Key, string> = { Escape: '\uE00C', ArrowLeft: '\uE012', ArrowRight: '\uE014' };

/** MiniBrowser lives in the multiarch folder of libwebkit2gtk (webkit2gtk-4.1 today, 4.0 on older releases). */
export function findMiniBrowser(): string {
  const candidates = fs
    .readdirSync('/usr/lib')
    .filter((dir) => dir.endsWith('-linux-gnu'))
    .flatMap((dir) =>
      fs
        .readdirSync(path.join('/usr/lib', dir))
        .filter((name) => /^webkit2gtk-4\.\d$/.test(name))
        .map((name) => path.join('/usr/lib', dir, name, 'MiniBrowser')),
    )
    .filter((file) => fs.existsSync(file))
    .sort()
    .reverse();
  const found = candidates[0];
  if (!found) {
    throw new Error(
      'WebKitGTK MiniBrowser is missing (/usr/lib/*/webkit2gtk-4.*/MiniBrowser). Run `bash scripts/ensure-browsers.sh`.',
    );
  }
  return found;
}

async function elementId(client: Client, css: string): Promise<string> {
  const found = (await client.findElement('css selector', css)) as unknown as Record<string, string>;
  const id = found[ELEMENT];
  if (!id) throw new Error(`[webkit] ${css} vanished before it could be used: ${JSON.stringify(found)}`);
  return id;
}

function webkitWindow(client: Client, driver: Child): NativeWindow {
  let closed = false;
  return {
    async goto(url) {
      await client.navigateTo(url);
    },
    async reload() {
      await client.refresh();
    },
    evaluate: (expression) => client.executeScript(`return ${expression};`, []),
    async click(css) {
      await client.elementClick(await elementId(client, css));
    },
    async type(css, text) {
      const id = await elementId(client, css);
      await client.elementClear(id);
      await client.elementSendKeys(id, text);
    },
    async setFiles(css, files) {
      // W3C WebDriver: keys sent to a file input are newline-separated paths (strictFileInteractability is off).
      await client.elementSendKeys(await elementId(client, css), files.join('\n'));
    },
    async selectOption(css, value) {
      await client.elementClick(await elementId(client, `${css} option[value="${value}"]`));
    },
    async press(key) {
      const value = KEYS[key];
      await client.performActions([
        {
          type: 'key',
          id: 'keyboard',
          actions: [
            { type: 'keyDown', value },
            { type: 'keyUp', value },
          ],
        },
      ]);
      await client.releaseActions();
    },
    async screenshot() {
      return Buffer.from(await client.takeScreenshot(), 'base64');
    },
    async resize(size) {
      // The window includes MiniBrowser's own bars: measure them, then size the window so the page gets `size`.
      const rect = await client.getWindowRect();
      const inner = (await client.executeScript('return [innerWidth, innerHeight];', [])) as [number, number];
      await client.setWindowRect(
        0,
        0,
        size.width + rect.width - inner[0],
        size.height + rect.height - inner[1],
      );
      const [width, height] = (await client.executeScript('return [innerWidth, innerHeight];', [])) as [
        number,
        number,
      ];
      return { width, height };
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.deleteSession().catch(() => undefined);
      await driver.stop();
    },
  };
}

export async function launchWebKit(): Promise<Engine> {
  if (!fs.existsSync(WEBKIT_DRIVER)) {
    throw new Error(
      `WebKitWebDriver is missing at ${WEBKIT_DRIVER}. Run \`bash scripts/ensure-browsers.sh\`.`,
    );
  }
  const miniBrowser = findMiniBrowser();
  const xvfb = await startXvfb();
  const env = { ...process.env, DISPLAY: xvfb.display, TZ: 'Europe/London' };
  const windows: NativeWindow[] = [];
  return {
    name: 'webkit',
    async newWindow(viewport: Viewport) {
      const driver = await startDriver(WEBKIT_DRIVER, env);
      let client: Client;
      try {
        client = await WebDriver.newSession({
          hostname: '127.0.0.1',
          port: driver.port,
          logLevel: 'warn',
          connectionRetryCount: 0,
          capabilities: {
            browserName: 'MiniBrowser',
            // WebKitGTK 2.50's driver refuses `webSocketUrl` (BiDi), which the client asks for unless told not to.
            'wdio:enforceWebDriverClassic': true,
            // Not in @wdio/types: WebKitGTK's own capability naming the browser binary and its arguments.
            ...({ 'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation'] } } as object),
          },
        });
      } catch (error) {
        await driver.child.stop();
        throw new Error(
          `[webkit] WebKitWebDriver could not start ${miniBrowser}: ${String(error)} ${driver.child.stderr()}`,
        );
      }
      const window = webkitWindow(client, driver.child);
      await window.resize(viewport);
      windows.push(window);
      return window;
    },
    async close() {
      await Promise.all(windows.map((window) => window.close()));
      await xvfb.child.stop();
    },
  };
}
