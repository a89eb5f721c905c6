import { runCli } from './cli/cli';

// `npm start`: the same as `switchboard gateway [options]`.
void runCli(['gateway', ...process.argv.slice(2)]);
