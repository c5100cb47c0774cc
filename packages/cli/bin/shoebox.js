#!/usr/bin/env node
// `shoebox serve` first makes sure it runs with its memory and thread-pool settings (re-executing itself once
// when they are missing), before the TypeScript loader is in memory: see serve-launcher.js.
import { launchServe } from './serve-launcher.js';

await launchServe(process.argv.slice(2));
// The CLI runs its TypeScript sources directly; tsx compiles them on load.
const { register } = await import('tsx/esm/api');
register();
await import('../src/main.ts');
