/** The server's version, reported by /healthz and /api/server. */
export const VERSION = '0.1.0';
