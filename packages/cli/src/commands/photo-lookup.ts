import type { Photo } from '@shoebox/shared';
import { orNotFound, type ApiClient } from '../api-client.ts';

export function getPhoto(client: ApiClient, id: string): Promise<Photo> {
  return orNotFound(client.request<Photo>('GET', `/photos/${encodeURIComponent(id)}`), noPhoto(id, 0, ''));
}

/** Photos are changed one by one, so a bad id late in the list leaves the earlier ones changed: say so. */
export function noPhoto(id: string, done: number, verb: string): string {
  const earlier = done > 0 ? ` (the ${done} before it were ${verb})` : '';
  return `No photo with id "${id}" in this library${earlier}.`;
}
