export { parseConfig, configFromEnv, ConfigError, type Config, type ConfigInput } from './config.ts';
export { startServer, type RunningServer } from './server.ts';
export { buildApp, type AppDeps, type ShoeboxApp } from './app.ts';
export { VERSION } from './version.ts';
