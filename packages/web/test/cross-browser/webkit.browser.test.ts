/** The main flows in WebKit, Safari's engine (WebKitGTK's MiniBrowser under Xvfb, driven by WebKitWebDriver). */
import { launchWebKit } from '../support/cross-browser/webkit.ts';
import { describeMainFlows } from './main-flows.ts';

describeMainFlows('webkit', launchWebKit);
