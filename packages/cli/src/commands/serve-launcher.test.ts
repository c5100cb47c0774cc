import { describe, expect, it } from 'vitest';
import {
  commandOf,
  RUNTIME_SWITCH,
  runtimeDefaults,
  SERVE_CHILD_MARK,
  serverEnvironment,
} from '../../bin/serve-launcher.js';

describe('serve launcher: which settings the server is re-executed with', () => {
  const defaults = runtimeDefaults(2);

  it('adds every missing setting, and marks the child so that it never re-executes again', () => {
    const env = serverEnvironment({ PATH: '/bin', NODE_OPTIONS: '--enable-source-maps' }, [], 2);
    expect(env).toEqual({
      PATH: '/bin',
      MALLOC_ARENA_MAX: '2',
      MALLOC_MMAP_THRESHOLD_: '131072',
      UV_THREADPOOL_SIZE: defaults['UV_THREADPOOL_SIZE'],
      NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=2',
      [SERVE_CHILD_MARK]: '1',
    });
    expect(env && serverEnvironment(env, [], 2)).toBeNull();
  });

  it("keeps the user's own values, even empty ones, and adds only what is missing", () => {
    const env = serverEnvironment({ MALLOC_ARENA_MAX: '4', UV_THREADPOOL_SIZE: '' }, [], 2);
    expect(env).toMatchObject({
      MALLOC_ARENA_MAX: '4',
      UV_THREADPOOL_SIZE: '',
      MALLOC_MMAP_THRESHOLD_: '131072',
    });
    expect(env?.['NODE_OPTIONS']).toBe('--max-semi-space-size=2');
  });

  it('takes a semi-space size given as a Node flag or in NODE_OPTIONS, in either spelling', () => {
    const rest = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '1', UV_THREADPOOL_SIZE: '8' };
    expect(serverEnvironment(rest, ['--max-semi-space-size=8'], 2)).toBeNull();
    expect(serverEnvironment({ ...rest, NODE_OPTIONS: '--max_semi_space_size=1' }, [], 2)).toBeNull();
    expect(serverEnvironment({ ...rest, NODE_OPTIONS: '--max-old-space-size=512' }, [], 2)).toMatchObject({
      NODE_OPTIONS: '--max-old-space-size=512 --max-semi-space-size=2',
    });
  });

  it('does nothing when switched off', () => {
    expect(serverEnvironment({ [RUNTIME_SWITCH]: 'off' }, [], 2)).toBeNull();
  });

  it('sizes the thread pool so that file operations never queue behind the decoders', () => {
    expect(Number(runtimeDefaults(2)['UV_THREADPOOL_SIZE'])).toBeGreaterThanOrEqual(16);
    expect(Number(runtimeDefaults(8)['UV_THREADPOOL_SIZE'])).toBe(32);
  });

  it('finds the command after the global options and their values', () => {
    expect(commandOf(['serve', '--port', '1'])).toBe('serve');
    expect(commandOf(['--json', '--server', 'http://x', '--home', '/h', 'serve'])).toBe('serve');
    expect(commandOf(['--server', 'serve', 'ls'])).toBe('ls');
    expect(commandOf(['--version'])).toBeUndefined();
  });
});
