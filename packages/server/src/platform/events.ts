import { EventEmitter } from 'node:events';
import type { Photo } from '@shoebox/shared';

/**
 * Typed domain events. Services emit them after their transaction commits; the push layer, the job queue and
 * metrics subscribe. Nothing here knows about sockets.
 */
export interface DomainEvents {
  /** `photo`: the new photo as its account sees it, when it could be read back; live hints carry it. */
  'photo.added': { accountId: string; photoId: string; changeId: number; photo?: Photo };
  'photo.changed': { accountId: string; photoId: string; changeId: number };
  'library.changed': { accountId: string; changeId: number };
  'media.ready': { sha256: string };
  'media.failed': { sha256: string; reason: string };
  'jobs.enqueued': { kind: string };
  'session.revoked': { sessionId: string; deviceId: string; accountId: string; reason: string };
  'device.pending': { accountId: string; deviceId: string };
  /** A message for one device's live channel (approval requests, results). */
  'device.message': { deviceId: string; event: string; data: unknown };
  /** A message for every trusted device of an account (security notices). */
  'account.message': { accountId: string; event: string; data: unknown };
}

export type EventName = keyof DomainEvents;

export interface EventBus {
  emit<K extends EventName>(name: K, payload: DomainEvents[K]): void;
  on<K extends EventName>(name: K, listener: (payload: DomainEvents[K]) => void): () => void;
}

export function createEventBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    emit(name, payload) {
      emitter.emit(name, payload);
    },
    on(name, listener) {
      emitter.on(name, listener);
      return () => emitter.off(name, listener);
    },
  };
}
