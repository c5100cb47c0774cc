import { api, call, eachLimited, type Photo } from '../api/client.tsx';

export interface Outcome<T> {
  done: T[];
  /** What went wrong for each photo that failed (word it with failureText, api/problem-text.ts). */
  errors: unknown[];
}

function collect<T>(results: PromiseSettledResult<T>[]): Outcome<T> {
  const done: T[] = [];
  const errors: unknown[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') done.push(result.value);
    else errors.push(result.reason);
  }
  return { done, errors };
}

export async function trashPhotos(ids: readonly string[]): Promise<Outcome<Photo>> {
  return collect(
    await eachLimited(ids, 6, (id) => call(api.POST('/photos/{id}/trash', { params: { path: { id } } }))),
  );
}

export async function restorePhotos(ids: readonly string[]): Promise<Outcome<Photo>> {
  return collect(
    await eachLimited(ids, 6, (id) => call(api.POST('/photos/{id}/restore', { params: { path: { id } } }))),
  );
}

export async function deletePhotos(ids: readonly string[]): Promise<Outcome<string>> {
  return collect(
    await eachLimited(ids, 6, async (id) => {
      await call(api.DELETE('/photos/{id}', { params: { path: { id } } }));
      return id;
    }),
  );
}
