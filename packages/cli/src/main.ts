import { Command, CommanderError } from 'commander';
import { registerAccounts } from './commands/accounts.ts';
import { registerAlbums } from './commands/albums.ts';
import { registerLibrary } from './commands/library.ts';
import { registerServe } from './commands/serve.ts';
import { registerSession } from './commands/session.ts';
import { registerUpload } from './commands/upload.ts';
import { CliError } from './output.ts';

const program = new Command('shoebox')
  .description('Shoebox: your photo cloud, on your own machine')
  .version('0.1.0')
  .option('--server <url>', 'server URL (SHOEBOX_SERVER; default http://127.0.0.1:2283)')
  .option('--home <dir>', 'this device’s state folder (SHOEBOX_HOME; default ~/.shoebox)')
  .option('--json', 'print one JSON document on stdout')
  .showHelpAfterError()
  .exitOverride();

registerServe(program);
registerAccounts(program);
registerSession(program);
registerUpload(program);
registerLibrary(program);
registerAlbums(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode;
  } else if (err instanceof CliError) {
    process.stderr.write(`shoebox: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`shoebox: ${message.split('\n')[0] ?? message}\n`);
    process.exitCode = 1;
  }
}
