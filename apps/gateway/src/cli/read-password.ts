import { createInterface } from 'node:readline';
import { CliError } from './cli-output';

/** The first line of stdin (`--password-stdin`), or a prompt without echo on a terminal. */
export async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
    if (!password) throw new CliError('no password on stdin');
    return password;
  }
  if (!process.stdin.isTTY) throw new CliError('no terminal to ask for the password: pass it on stdin with --password-stdin');
  const first = await prompt('Password: ');
  const again = await prompt('Password again: ');
  if (first !== again) throw new CliError('the passwords differ');
  return first;
}

function prompt(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  // Echo nothing of what is typed.
  (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = (text: string) => {
    if (text === question) process.stdout.write(text);
  };
  return new Promise((resolve) =>
    rl.question(question, (answer) => {
      process.stdout.write('\n');
      rl.close();
      resolve(answer);
    }),
  );
}
