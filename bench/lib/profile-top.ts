// npx tsx bench/lib/profile-top.ts <file.cpuprofile> [top N]: the hot spots of a `node --cpu-prof` profile.
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  name: string;
  selfMs: number;
  totalMs: number;
}

/** Self and inclusive time per function (recursion counted once), and self time per package. */
export function hotSpots(profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const packages = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const leaf = byId.get(id);
    if (!leaf) return;
    self.set(keyOf(leaf), (self.get(keyOf(leaf)) ?? 0) + ms);
    packages.set(packageOf(leaf.callFrame.url), (packages.get(packageOf(leaf.callFrame.url)) ?? 0) + ms);
    const seen = new Set<string>();
    for (let n: ProfileNode | undefined = leaf; n; n = byId.get(parent.get(n.id) ?? -1)) {
      const key = keyOf(n);
      if (!seen.has(key)) total.set(key, (total.get(key) ?? 0) + ms);
      seen.add(key);
    }
  });
  const spots = [...total].map(([name, totalMs]) => ({ name, totalMs, selfMs: self.get(name) ?? 0 }));
  const wallMs = profile.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
  return { wallMs, spots, packages: [...packages].sort((a, b) => b[1] - a[1]) };
}

function keyOf(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const where = url ? `${shorten(url)}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
}

function shorten(url: string): string {
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('node_modules/');
  return nm >= 0 ? file.slice(nm + 'node_modules/'.length) : path.relative(process.cwd(), file);
}

function packageOf(url: string): string {
  if (!url) return '(native, gc, idle)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1] as string;
  if (url.startsWith('node:')) return 'node core';
  return url.includes('/packages/') ? `shoebox ${/packages\/([^/]+)/.exec(url)?.[1] ?? ''}` : 'other';
}

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) {
  const [file, topArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [top N]');
  const top = Number(topArg ?? 25);
  const { wallMs, spots, packages } = hotSpots(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile);
  const pct = (ms: number) => `${((ms / wallMs) * 100).toFixed(1).padStart(5)}%`;
  console.log(`${file}: ${(wallMs / 1000).toFixed(1)} s sampled\n\nself time by package`);
  for (const [name, ms] of packages.slice(0, 12)) console.log(`${pct(ms)}  ${name}`);
  console.log('\nself time');
  for (const s of [...spots].sort((a, b) => b.selfMs - a.selfMs).slice(0, top))
    console.log(`${pct(s.selfMs)}  ${s.name}`);
  console.log('\ninclusive time');
  for (const s of [...spots].sort((a, b) => b.totalMs - a.totalMs).slice(0, top))
    console.log(`${pct(s.totalMs)}  ${s.name}`);
}
