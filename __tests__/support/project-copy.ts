import { cpSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { APP_NODE_ARGS } from '../../scripts/app-command';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');

/** What a synth of the example app needs, copied into a fresh folder; node_modules is linked, not copied. */
const APP_FILES = [
  'main.ts',
  'constructs',
  'handlers',
  'shared',
  'site',
  'scripts/no-source-maps.js',
  'scripts/cdktf.js',
  'cdktf.json',
  'package.json',
  'tsconfig.json',
];

export function copyProject(prefix = 'project-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const entry of APP_FILES) {
    cpSync(join(PROJECT_ROOT, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Runs the example app the way cdktf.json's `app` does, and returns the stack's cdk.tf.json. */
export function synthExampleIn(dir: string, env: NodeJS.ProcessEnv = {}): string {
  execFileSync(process.execPath, [...APP_NODE_ARGS], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, CHECKPOINT_DISABLE: '1', ...env },
    stdio: 'pipe',
  });
  return readFileSync(join(dir, 'cdktf.out', 'stacks', 'contact-site', 'cdk.tf.json'), 'utf8');
}
