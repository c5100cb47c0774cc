import { Command } from 'commander';
import { registerAccounts } from './commands/accounts.ts';
import { registerAccountAdmin } from './commands/account-admin.ts';
import { registerActivity } from './commands/activity.ts';
import { registerAlbums } from './commands/albums.ts';
import { registerAudit } from './commands/audit.ts';
import { registerAuditVerifyServer } from './commands/audit-server.ts';
import { registerBackup } from './commands/backup.ts';
import { registerDevices } from './commands/devices.ts';
import { registerExplain } from './commands/explain.ts';
import { registerFleet } from './commands/fleet.ts';
import { registerJobs } from './commands/jobs.ts';
import { registerLibrary } from './commands/library.ts';
import { registerLoginWait } from './commands/login-wait.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerPassword } from './commands/password-change.ts';
import { registerPasskeys } from './commands/passkeys.ts';
import { registerRestore } from './commands/restore.ts';
import { registerSecurity } from './commands/security.ts';
import { registerServe } from './commands/serve.ts';
import { registerSession } from './commands/session.ts';
import { registerSessions } from './commands/sessions.ts';
import { registerSync } from './commands/sync.ts';
import { registerUpload } from './commands/upload.ts';
import { reportFailure } from './failure.ts';
import { VERSION } from './version.ts';

const program = new Command('shoebox')
  .description('Shoebox: your photo cloud, on your own machine')
  .version(VERSION)
  .option('--server <url>', 'server URL (SHOEBOX_SERVER; default http://127.0.0.1:2283)')
  .option('--home <dir>', 'this device’s state folder (SHOEBOX_HOME; default ~/.shoebox)')
  .option('--json', 'print one JSON document on stdout')
  // Failures must be exactly one `shoebox: …` line on stderr, so commander's own error and help-on-error
  // printing is silenced here and reportFailure() writes the line. Subcommands inherit these settings
  // because they are set before any command is registered.
  .configureOutput({ writeErr: () => {}, outputError: () => {} })
  .exitOverride();

registerServe(program);
registerBackup(program);
registerRestore(program);
registerMigrate(program);
registerAccounts(program);
registerSession(program);
registerUpload(program);
registerLibrary(program);
registerAlbums(program);
registerDevices(program);
registerSessions(program);
registerLoginWait(program);
registerSecurity(program);
registerPasskeys(program);
registerPassword(program);
registerActivity(program);
registerSync(program);
registerExplain(program);
registerAudit(program);
registerAuditVerifyServer(program);
registerFleet(program);
// After accounts, admin and fleet: it adds to their command groups.
registerAccountAdmin(program);
registerJobs(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  reportFailure(program, process.argv.slice(2), err);
}
