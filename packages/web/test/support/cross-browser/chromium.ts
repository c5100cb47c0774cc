/**
 * Chromium (Playwright, as the other browser tests launch it) behind the cross-browser Session, so that flows written
 * once for Firefox and WebKit (cross-browser/live-flows.ts) run in Chromium too. Each window is its own context.
 */
import { launchChromium } from '../browser.ts';
import type { Engine, Key, NativeWindow, Viewport } from './session.ts';

export async function launchChromiumEngine(): Promise<Engine> {
  const browser = await launchChromium();
  return {
    name: 'chromium',
    async newWindow(viewport: Viewport): Promise<NativeWindow> {
      const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Europe/London' });
      const page = await context.newPage();
      const one = (css: string) => page.locator(css).first();
      return {
        goto: async (url) => void (await page.goto(url, { waitUntil: 'load' })),
        reload: async () => void (await page.reload({ waitUntil: 'load' })),
        evaluate: (expression) => page.evaluate(expression),
        click: (css) => one(css).click(),
        type: async (css, text) => {
          await one(css).fill('');
          await one(css).pressSequentially(text);
        },
        setFiles: (css, files) => one(css).setInputFiles(files),
        selectOption: async (css, value) => void (await one(css).selectOption(value)),
        press: (key: Key) => page.keyboard.press(key),
        screenshot: () => page.screenshot({ type: 'png' }),
        resize: async (size) => {
          await page.setViewportSize(size);
          return size;
        },
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}
