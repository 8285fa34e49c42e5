/**
 * The Node.js that CDK Terrain's CLI runs on. cdktn-cli 0.24 requires Node >= 22.19 (on Node 20 it fails
 * at start-up: `Li.util.markAsUncloneable is not a function`); where this process is older, Node 22 comes
 * from the npm registry as the platform package `node-<platform>-<arch>` (the binary the `node` npm
 * package installs), cached outside the checkout beside the Terraform builds.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheDir } from './terraform-toolchain';

/** The Node.js version installed for cdktn-cli when this process's is older than CDKTN_MINIMUM_NODE. */
export const CDKTN_NODE_VERSION = '22.23.5';
/** cdktn-cli 0.24.0's `engines.node`. */
export const CDKTN_MINIMUM_NODE = [22, 19] as const;

/** Absolute path of a `node` binary that can run cdktn-cli: this one if new enough, else the cached Node 22. */
export function cdktnNode(): string {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major > CDKTN_MINIMUM_NODE[0] || (major === CDKTN_MINIMUM_NODE[0] && minor >= CDKTN_MINIMUM_NODE[1])) return process.execPath;
  const pkg = `node-${process.platform}-${process.arch}`;
  const home = join(cacheDir(), 'node', CDKTN_NODE_VERSION);
  const binary = join(home, 'node_modules', pkg, 'bin', 'node');
  if (existsSync(binary)) return binary;
  // Installed into a scratch folder and renamed into place, so that parallel callers never see half a tree.
  mkdirSync(dirname(home), { recursive: true });
  const scratch = mkdtempSync(`${home}.partial-`);
  try {
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'cdktn-node', version: '1.0.0', private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', `${pkg}@${CDKTN_NODE_VERSION}`], { cwd: scratch, stdio: 'pipe' });
    try {
      renameSync(scratch, home);
    } catch (error) {
      if (!existsSync(binary)) throw error; // else another process renamed its copy first
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return binary;
}
