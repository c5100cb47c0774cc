/** The CLI's version, reported by `--version` and sent to the server as the device's app version. */
export const VERSION = '0.1.0';
