#!/usr/bin/env node
/**
 * The project's one Python virtualenv: `<project>/.venv`, made from `tools/python/requirements.txt`
 * (every package pinned with its hashes, installed with `--require-hashes`).
 *
 *   node scripts/python-env.js          ensure the venv, print its python's path on stdout
 *   node scripts/python-env.js --check  exit 0 when the venv matches the requirements, 1 otherwise
 *
 * Idempotent: a stamp file in the venv holds the SHA-256 of the requirements file and the Python
 * version it was made with; when both match, nothing is spawned. Otherwise the venv is (re)made and
 * the requirements installed (progress on stderr). Concurrent callers wait on a lock directory.
 * `PYTHON` names the interpreter to make it with (default `python3`).
 */
'use strict';
const { createHash } = require('node:crypto');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const PROJECT = path.resolve(__dirname, '..');
const VENV_DIR = path.join(PROJECT, '.venv');
const REQUIREMENTS = path.join(PROJECT, 'tools', 'python', 'requirements.txt');
const STAMP = path.join(VENV_DIR, '.requirements-stamp');
const LOCK = path.join(PROJECT, '.venv.lock');
const MIN_PYTHON = [3, 9];

class PythonEnvError extends Error {}

function venvPython(venvDir = VENV_DIR) {
  return process.platform === 'win32' ? path.join(venvDir, 'Scripts', 'python.exe') : path.join(venvDir, 'bin', 'python');
}

function wanted() {
  const requirements = fs.readFileSync(REQUIREMENTS);
  return { requirementsSha256: createHash('sha256').update(requirements).digest('hex') };
}

function readStamp() {
  try {
    return JSON.parse(fs.readFileSync(STAMP, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when the venv exists and was made from the current requirements (no process is spawned). */
function isUpToDate() {
  const stamp = readStamp();
  return !!stamp && stamp.requirementsSha256 === wanted().requirementsSha256 && fs.existsSync(venvPython());
}

function run(cmd, args, what) {
  const result = spawnSync(cmd, args, { stdio: ['ignore', process.stderr, process.stderr], cwd: PROJECT });
  if (result.error) throw new PythonEnvError(`${what}: ${result.error.message}`);
  if (result.status !== 0) throw new PythonEnvError(`${what} failed (exit ${result.status ?? result.signal})`);
}

function basePython() {
  const python = process.env.PYTHON || 'python3';
  const probe = spawnSync(python, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new PythonEnvError(
      `python-env: "${python}" was not found or does not run (${probe.error ? probe.error.message : `exit ${probe.status}`}). ` +
        `The local AWS (moto) needs Python ${MIN_PYTHON.join('.')}+ with the venv module: install it ` +
        '(Debian/Ubuntu: apt-get install -y python3 python3-venv; macOS: brew install python) or set PYTHON to an interpreter.',
    );
  }
  const version = probe.stdout.trim();
  const [major, minor] = version.split('.').map(Number);
  if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
    throw new PythonEnvError(`python-env: ${python} is Python ${version}; ${MIN_PYTHON.join('.')}+ is needed (set PYTHON to a newer one).`);
  }
  return { python, version };
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function withLock(fn) {
  const deadline = Date.now() + 20 * 60 * 1000;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      fs.writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let holder;
      try {
        holder = Number(fs.readFileSync(path.join(LOCK, 'pid'), 'utf8'));
      } catch {
        holder = undefined; // being written, or its holder died between mkdir and write
      }
      const stale = holder !== undefined && !pidAlive(holder);
      const old = Date.now() - safeMtime(LOCK) > 60 * 1000 && holder === undefined;
      if (stale || old) {
        fs.rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new PythonEnvError(`python-env: still locked by process ${holder} (${LOCK}); remove it if no install is running`);
      sleep(500);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

function safeMtime(p) {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return Date.now();
  }
}

/**
 * Makes or refreshes the venv when it does not match the requirements; returns its python's path.
 * Throws a PythonEnvError with a readable message when Python is missing or an install fails.
 */
function ensurePythonEnv() {
  if (isUpToDate()) return venvPython();
  return withLock(() => {
    if (isUpToDate()) return venvPython(); // another process made it while we waited
    const { python, version } = basePython();
    const target = wanted();
    const stamp = readStamp();
    const started = Date.now();
    // A venv made by another Python (or a half-made one) is made again; otherwise reinstalling the pins is enough.
    if (!stamp || stamp.python !== version || !fs.existsSync(venvPython())) {
      fs.rmSync(VENV_DIR, { recursive: true, force: true });
      process.stderr.write(`python-env: making ${path.relative(PROJECT, VENV_DIR)} with Python ${version}\n`);
      run(python, ['-m', 'venv', VENV_DIR], `${python} -m venv (Debian/Ubuntu need the python3-venv package)`);
    } else {
      fs.rmSync(STAMP, { force: true });
    }
    process.stderr.write(`python-env: installing ${path.relative(PROJECT, REQUIREMENTS)} (pinned, --require-hashes)\n`);
    run(
      venvPython(),
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', '--require-hashes', '--no-deps', '-r', REQUIREMENTS],
      'pip install -r tools/python/requirements.txt',
    );
    fs.writeFileSync(STAMP, `${JSON.stringify({ ...target, python: version }, null, 2)}\n`);
    process.stderr.write(`python-env: ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return venvPython();
  });
}

module.exports = { ensurePythonEnv, isUpToDate, venvPython, basePython, PythonEnvError, VENV_DIR, REQUIREMENTS };

if (require.main === module) {
  try {
    if (process.argv.includes('--check')) process.exit(isUpToDate() ? 0 : 1);
    process.stdout.write(`${ensurePythonEnv()}\n`);
  } catch (err) {
    process.stderr.write(`${err instanceof PythonEnvError ? err.message : err.stack}\n`);
    process.exit(1);
  }
}
