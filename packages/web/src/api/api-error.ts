// Kept apart from client.tsx (JSX) so plain TypeScript modules and their tests can tell an API failure by class.

/** The fields of a problem document (docs/openapi.json `Problem`) read here. */
interface Problem {
  code?: string;
  detail?: string;
  title?: string;
}

/** A failed API call: the server's problem document when there was one, else a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The problem's stable code (packages/server/src/errors.ts), `http_error` without one, or `network_error`. */
    readonly code: string,
    /** The server's own words, in English: show `describeProblem` (api/problem-text.ts) to a reader instead. */
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'ApiError';
  }

  static fromProblem(status: number, problem: unknown): ApiError {
    const p = (problem ?? {}) as Partial<Problem>;
    return new ApiError(status, p.code ?? 'http_error', p.detail ?? p.title ?? `HTTP ${status}`);
  }
}
