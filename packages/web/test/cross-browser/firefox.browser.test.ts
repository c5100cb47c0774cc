/** The main flows in Firefox (Debian's firefox-esr, driven by puppeteer-core over WebDriver BiDi). */
import { launchFirefox } from '../support/cross-browser/firefox.ts';
import { describeMainFlows } from './main-flows.ts';

describeMainFlows('firefox', launchFirefox);
