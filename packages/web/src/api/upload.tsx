import { api, call, type UploadResult } from './client.tsx';

export type Progress = (loaded: number, total: number) => void;

function parseHeaders(raw: string): Headers {
  const headers = new Headers();
  for (const line of raw.trim().split(/[\r\n]+/)) {
    const at = line.indexOf(':');
    if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return headers;
}

/**
 * A `fetch` for openapi-fetch that sends through XMLHttpRequest, because fetch() cannot report upload progress.
 * The typed client still builds the request (URL, headers, auth middleware) and parses the answer.
 */
function xhrFetch(onProgress: Progress): (request: Request) => Promise<Response> {
  return async (request) => {
    // Not `request.body`: Firefox has no Request.body getter, so a check on it sent every upload empty.
    const body = request.method === 'GET' || request.method === 'HEAD' ? null : await request.blob();
    return new Promise<Response>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(request.method, request.url);
      request.headers.forEach((value, name) => xhr.setRequestHeader(name, value));
      xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : (body?.size ?? 0));
      xhr.onload = () => {
        const nullBody = xhr.status === 204 || xhr.status === 304;
        resolve(
          new Response(nullBody ? null : xhr.responseText, {
            status: xhr.status,
            statusText: xhr.statusText,
            headers: parseHeaders(xhr.getAllResponseHeaders()),
          }),
        );
      };
      xhr.onerror = () => reject(new TypeError('network error'));
      xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
      if (request.signal.aborted) return xhr.abort();
      request.signal.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(body);
    });
  };
}

/** Streams one file to `POST /api/photos` as the raw body, with its name and modification time as headers. */
export function uploadPhoto(file: File, onProgress: Progress, signal: AbortSignal): Promise<UploadResult> {
  return call(
    api.POST('/photos', {
      // The schema types a binary body as string; the File goes out as-is, untouched by any serializer.
      body: file as unknown as string,
      bodySerializer: (body: unknown) => body,
      headers: {
        'content-type': 'application/octet-stream',
        'x-shoebox-file-name': encodeURIComponent(file.name),
        'x-shoebox-file-modified': new Date(file.lastModified).toISOString(),
      },
      fetch: xhrFetch(onProgress),
      signal,
    }),
  );
}
