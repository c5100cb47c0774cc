export { parseConfig, configFromEnv, ConfigError, type Config, type ConfigInput } from './config.ts';
export { startServer, type RunningServer } from './server.ts';
export { buildApp, type AppDeps, type ShoeboxApp } from './app.ts';
export { VERSION } from './version.ts';
export { openBlobStore } from './adapters/blobs/open-blob-store.ts';
export { backupInstallation, type BackupReport } from './backup/backup.ts';
export { restoreInstallation, type RestoreReport } from './backup/restore.ts';
export { migrateInstallation, type MigrateReport } from './backup/migrate.ts';
