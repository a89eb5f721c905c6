// An owner account for the admin benchmarks: created with `switchboard users create`, then signed in.
const { spawn } = require('node:child_process');
const path = require('node:path');
const { ROOT } = require('./services');

const CLI = path.join(ROOT, 'bin/switchboard.js');
const EMAIL = 'bench@example.com';
const PASSWORD = 'bench password 0123456789';

function createOwner(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'users', 'create', '--email', EMAIL, '--role', 'owner', '--password-stdin'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`users create: ${err}`))));
    child.stdin.end(`${PASSWORD}\n`);
  });
}

/** Signs the owner in; resolves with the session cookie and the CSRF token for state changes. */
async function signIn(url) {
  const response = await fetch(`${url}/api/admin/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`sign-in: ${response.status} ${await response.text()}`);
  const { csrfToken } = await response.json();
  return { cookie: response.headers.getSetCookie()[0].split(';')[0], csrfToken };
}

module.exports = { createOwner, signIn };
