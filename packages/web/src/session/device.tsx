import type { DeviceDescription } from '../api/client.tsx';

const INSTALLATION_KEY = 'shoebox.installationId';

/**
 * A random id kept in localStorage: the server recognises this browser by it on the next sign-in. It names the
 * browser only; trust comes back without approval only with the device credential (device-credential.ts).
 */
function installationId(): string {
  let id = localStorage.getItem(INSTALLATION_KEY);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(INSTALLATION_KEY, id);
  }
  return id;
}

/**
 * Keeps the installation id the server assigned at sign-in (the one sent was a trusted device's, without its
 * credential): the next sign-in then finds this browser's own device instead of asking about another one.
 */
export function adoptInstallationId(assigned: string | undefined): void {
  if (assigned) localStorage.setItem(INSTALLATION_KEY, assigned);
}

const BROWSERS: [RegExp, string][] = [
  [/Edg\/(\d+)/, 'Edge'],
  [/OPR\/(\d+)/, 'Opera'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/(?:Chrome|Chromium|CriOS)\/(\d+)/, 'Chrome'],
  [/Version\/(\d+).*Safari/, 'Safari'],
];

const SYSTEMS: [RegExp, string][] = [
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Android/, 'Android'],
  [/CrOS/, 'ChromeOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
];

/** Names this browser the way a person would ("Chrome on Linux"); the server keeps it as a claim only. */
export function describeThisBrowser(userAgent = navigator.userAgent): DeviceDescription {
  let browser = 'Browser';
  let version = '';
  for (const [pattern, name] of BROWSERS) {
    const m = pattern.exec(userAgent);
    if (m) {
      browser = name;
      version = m[1] ?? '';
      break;
    }
  }
  const os = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1] ?? 'Unknown system';
  return {
    installationId: installationId(),
    name: `${browser} on ${os}`,
    model: version ? `${browser} ${version}` : browser,
    os,
    appVersion: 'web',
  };
}
