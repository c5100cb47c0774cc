// Runs after `npm install`: fail loudly now if a native module did not build, rather than at first use.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const problems = [];
for (const [name, probe] of [
  ['better-sqlite3', (m) => new m(':memory:').prepare('select 1 as x').get().x === 1],
  ['argon2', (m) => typeof m.hash === 'function'],
  ['sharp', (m) => typeof m.versions?.vips === 'string'],
]) {
  try {
    if (!probe(require(name))) problems.push(`${name}: loaded but does not work`);
  } catch (err) {
    problems.push(`${name}: ${err.message.split('\n')[0]}`);
  }
}
if (problems.length > 0) {
  console.error(
    `Native modules are not usable:\n  ${problems.join('\n  ')}\nRun \`npm rebuild\` (needs python3, make and g++).`,
  );
  process.exit(1);
}
