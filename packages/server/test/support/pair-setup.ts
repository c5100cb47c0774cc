import path from 'node:path';
import { beforeEach } from 'vitest';
import { PAIR_SKIPS } from './pair-skips.ts';

const SERVER_ROOT = path.resolve(import.meta.dirname, '../..');

// The pair profile's listed exceptions are skipped with their reason, visible in the report, never silently.
beforeEach((context) => {
  const file = path.relative(SERVER_ROOT, context.task.file.filepath).split(path.sep).join('/');
  const listed = PAIR_SKIPS.find((skip) => skip.file === file && skip.test === context.task.name);
  if (listed) context.skip(`pair profile: ${listed.reason}`);
});
