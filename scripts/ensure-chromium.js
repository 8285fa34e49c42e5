#!/usr/bin/env node
// Runs before `npm test`: the browser tests drive Debian's Chromium, which is not on a fresh machine.
// Installs it with apt when missing and allowed (root on Debian), otherwise says what to do and fails.
const { existsSync } = require('node:fs');
const { execFileSync } = require('node:child_process');

const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (existsSync(chromiumPath)) process.exit(0);

const canApt = process.platform === 'linux' && typeof process.getuid === 'function' && process.getuid() === 0 && existsSync('/usr/bin/apt-get');
if (!canApt || process.env.CHROMIUM_PATH) {
  console.error(
    `The browser tests need Chromium at ${chromiumPath}. Install it (Debian: apt-get install -y --no-install-recommends chromium) or set CHROMIUM_PATH.`,
  );
  process.exit(1);
}
console.error('Installing Debian chromium for the browser tests (apt-get)...');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: ['ignore', 'ignore', 'inherit'], env });
if (!existsSync(chromiumPath)) {
  console.error(`apt-get finished but ${chromiumPath} is still missing.`);
  process.exit(1);
}
