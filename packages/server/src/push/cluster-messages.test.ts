import { describe, expect, it } from 'vitest';
import { parseClusterMessage } from './cluster-messages.ts';

describe('cluster messages between instances', () => {
  const photo = { id: 'p1', sha256: 'a'.repeat(64), status: 'active', size: 3 };

  it('passes a feed hint on with the new photo it carries', () => {
    expect(parseClusterMessage({ type: 'feed', accountId: 'acc', photo })).toEqual({
      type: 'feed',
      accountId: 'acc',
      photo,
    });
    expect(parseClusterMessage({ type: 'feed', accountId: 'acc' })).toEqual({
      type: 'feed',
      accountId: 'acc',
    });
  });

  it('drops a photo that does not look like one, but keeps the hint (the feed has the truth)', () => {
    for (const bad of ['p1', 42, null, { id: 'p1' }, { id: 1, sha256: 'x', status: 'active' }])
      expect(parseClusterMessage({ type: 'feed', accountId: 'acc', photo: bad })).toEqual({
        type: 'feed',
        accountId: 'acc',
      });
    expect(parseClusterMessage({ type: 'feed', photo })).toBeNull();
  });
});
