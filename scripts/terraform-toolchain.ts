/**
 * Terraform without a registry: a CLI (`terraform` >= 1.10 from PATH, or OpenTofu built from the Go module
 * proxy) and the AWS provider built from its Go module into a filesystem mirror, named by a CLI config file.
 * Everything built is cached under one folder outside the checkout (`cacheDir()`), keyed by version, so only
 * the first run on a machine builds. `scripts/terraform-env.ts` is the command line; the terraform test suite
 * calls `ensureTerraformToolchain()` itself.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const PROJECT_DIR = resolve(__dirname, '..');
const PROVIDER_TOOL_DIR = join(PROJECT_DIR, 'tools', 'terraform-provider-aws');
const OPENTOFU_TOOL_DIR = join(PROJECT_DIR, 'tools', 'opentofu');
const PROVIDER_MODULE = 'github.com/hashicorp/terraform-provider-aws';
const OPENTOFU_PACKAGE = 'github.com/opentofu/opentofu/cmd/tofu';
/** The registry host names a provider source `hashicorp/aws` means to each CLI. */
const PROVIDER_HOSTS = { terraform: 'registry.terraform.io', tofu: 'registry.opentofu.org' } as const;
const MINIMUM_TERRAFORM = [1, 10] as const;

export type Log = (line: string) => void;

export interface TerraformToolchain {
  /** `terraform` (from PATH) or `tofu` (built). */
  readonly cli: 'terraform' | 'tofu';
  /** Absolute path of the CLI binary. */
  readonly cliPath: string;
  /** The CLI's version, e.g. `1.11.4`. */
  readonly cliVersion: string;
  /**
   * The AWS provider version `terraform init` installs: the mirror's build, or undefined where the
   * registry is reachable (then init downloads the version the stack pins, and nothing is built).
   */
  readonly awsProviderVersion?: string;
  /** Environment for every Terraform command (and cdktf): the CLI config, the CLI's name and PATH. */
  readonly env: Record<string, string>;
}

/** The one folder outside the checkout that holds every build (`CONTACT_SITE_CACHE_DIR` moves it). */
export function cacheDir(): string {
  return process.env.CONTACT_SITE_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cdktf-contact-site');
}

/**
 * Makes `terraform init` work in any synthesized stack folder: finds or builds the CLI, and unless the
 * registry is reachable (or `offline` is set) builds the AWS provider into the mirror. Progress goes to `log`.
 */
export async function ensureTerraformToolchain(options: { log?: Log; offline?: boolean } = {}): Promise<TerraformToolchain> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const root = join(cacheDir(), 'terraform');
  const cli = findTerraformOnPath() ?? (await buildOpenTofu(root, log));
  const offline = options.offline ?? process.env.CONTACT_SITE_TERRAFORM_OFFLINE === '1';
  const registry = PROVIDER_HOSTS[cli.cli];
  if (!offline && (await reachable(`https://${registry}/.well-known/terraform.json`))) {
    log(`${registry} is reachable: terraform init downloads the AWS provider, nothing is built.`);
    return { ...cli, env: cliEnv(cli) };
  }
  const provider = await buildAwsProvider(root, log);
  const configFile = join(root, 'cli.tfrc');
  writeIfChanged(configFile, cliConfig(join(root, 'mirror')));
  return { ...cli, awsProviderVersion: provider.version, env: { ...cliEnv(cli), TF_CLI_CONFIG_FILE: configFile } };
}

/** The file, beside `cdk.tf.json`, that asks a stack for the mirror's provider version. */
export const AWS_PROVIDER_VERSION_OVERRIDE_FILE = 'aws_provider_version_override.tf.json';

/**
 * Points the stack in `stackDir` at the provider the mirror holds when that is not the version the stack
 * pins, with an override file beside `cdk.tf.json` (Terraform merges `required_providers` entry by entry, so
 * only `aws` changes; `cdk.tf.json` stays as synthesized). An HCL export (`cdk.tf` only) counts as pinning
 * nothing. Returns the pinned version and whether the override was written.
 */
export function useMirroredProvider(toolchain: TerraformToolchain, stackDir: string): { pinned?: string; overridden: boolean } {
  const json = join(stackDir, 'cdk.tf.json');
  const pinned = existsSync(json)
    ? (JSON.parse(readFileSync(json, 'utf8')) as { terraform?: { required_providers?: { aws?: { version?: string } } } }).terraform?.required_providers?.aws
        ?.version
    : undefined;
  const version = toolchain.awsProviderVersion;
  if (version === undefined || version === pinned) return { pinned, overridden: false };
  const override = { terraform: { required_providers: { aws: { source: 'hashicorp/aws', version } } } };
  writeFileSync(join(stackDir, AWS_PROVIDER_VERSION_OVERRIDE_FILE), `${JSON.stringify(override, null, 2)}\n`);
  return { pinned, overridden: true };
}

// --- CLI -----------------------------------------------------------------------------------------

interface Cli {
  cli: 'terraform' | 'tofu';
  cliPath: string;
  cliVersion: string;
}

function findTerraformOnPath(): Cli | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    const candidate = join(dir, 'terraform');
    if (!isExecutable(candidate)) continue;
    try {
      const version = (
        JSON.parse(execFileSync(candidate, ['version', '-json'], { encoding: 'utf8', env: quietEnv(), stdio: ['ignore', 'pipe', 'ignore'] })) as {
          terraform_version: string;
        }
      ).terraform_version;
      const [major, minor] = version.split('.').map(Number);
      if (major > MINIMUM_TERRAFORM[0] || (major === MINIMUM_TERRAFORM[0] && minor >= MINIMUM_TERRAFORM[1])) {
        return { cli: 'terraform', cliPath: candidate, cliVersion: version };
      }
    } catch {
      // Not a working terraform: keep looking, then build OpenTofu.
    }
  }
  return undefined;
}

async function buildOpenTofu(root: string, log: Log): Promise<Cli> {
  const version = requiredVersion(OPENTOFU_TOOL_DIR, 'github.com/opentofu/opentofu').replace(/^v/, '');
  const binary = join(root, 'opentofu', version, 'tofu');
  if (!isExecutable(binary)) {
    log(`No terraform >= ${MINIMUM_TERRAFORM.join('.')} on PATH: building OpenTofu ${version} from the Go module proxy (a few minutes, once).`);
    await goBuild({
      toolDir: OPENTOFU_TOOL_DIR,
      packagePath: OPENTOFU_PACKAGE,
      ldflags: `-s -w -X github.com/opentofu/opentofu/version.dev=no`,
      output: binary,
      what: `OpenTofu ${version}`,
      log,
    });
  }
  return { cli: 'tofu', cliPath: binary, cliVersion: version };
}

function cliEnv(cli: Cli): Record<string, string> {
  if (cli.cli === 'terraform') return { CHECKPOINT_DISABLE: '1' };
  // cdktf runs TERRAFORM_BINARY_NAME from PATH.
  return { CHECKPOINT_DISABLE: '1', TERRAFORM_BINARY_NAME: 'tofu', PATH: `${dirname(cli.cliPath)}:${process.env.PATH ?? ''}` };
}

function cliConfig(mirror: string): string {
  const sources = Object.values(PROVIDER_HOSTS)
    .map((host) => `"${host}/hashicorp/aws"`)
    .join(', ');
  return [
    '# Written by scripts/terraform-toolchain.ts: the AWS provider from the local mirror, everything else as usual.',
    'disable_checkpoint = true',
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirror)}`,
    `    include = [${sources}]`,
    '  }',
    '  direct {',
    `    exclude = [${sources}]`,
    '  }',
    '}',
    '',
  ].join('\n');
}

// --- AWS provider --------------------------------------------------------------------------------

async function buildAwsProvider(root: string, log: Log): Promise<{ version: string; binary: string }> {
  const moduleVersion = requiredVersion(PROVIDER_TOOL_DIR, PROVIDER_MODULE);
  const version = await awsProviderVersionOf(moduleVersion, log);
  const platform = goPlatform();
  const binaryName = `terraform-provider-aws_v${version}_x5`;
  const versionDir = (host: string) => join(root, 'mirror', host, 'hashicorp', 'aws', version, platform);
  const binary = join(versionDir(PROVIDER_HOSTS.terraform), binaryName);
  if (!isExecutable(binary)) {
    log(`Building the AWS provider ${version} (${PROVIDER_MODULE}@${moduleVersion}) into ${root}/mirror.`);
    log('A cold build takes 30-60+ minutes on 2 cores, several GB of memory and ~10 GB of disk; later runs reuse it.');
    await goBuild({
      toolDir: PROVIDER_TOOL_DIR,
      packagePath: PROVIDER_MODULE,
      ldflags: `-s -w -X ${PROVIDER_MODULE}/version.ProviderVersion=${version}`,
      output: binary,
      what: `the AWS provider ${version}`,
      log,
    });
  }
  // OpenTofu looks for hashicorp/aws under its own registry's name: the same binary, linked.
  const tofuDir = versionDir(PROVIDER_HOSTS.tofu);
  if (!existsSync(join(tofuDir, binaryName))) {
    mkdirSync(tofuDir, { recursive: true });
    symlinkSync(binary, join(tofuDir, binaryName));
  }
  return { version, binary };
}

/**
 * The provider version of the pinned module: `## 6.25.0 (December 4, 2025)` heading its CHANGELOG.md is a
 * release, 6.25.0; `## 6.48.0 (Unreleased)` is a commit on the way to 6.48.0, named
 * `6.48.0-dev.<commit>` so that Terraform never mistakes it for the release.
 */
async function awsProviderVersionOf(moduleVersion: string, log: Log): Promise<string> {
  const dir = await goModuleDir(PROVIDER_TOOL_DIR, PROVIDER_MODULE, log);
  const heading = /^## (\d+\.\d+\.\d+) \(([^)]*)\)/m.exec(readFileSync(join(dir, 'CHANGELOG.md'), 'utf8'));
  if (!heading) throw new Error(`${PROVIDER_MODULE}@${moduleVersion}: CHANGELOG.md does not start with a "## X.Y.Z (...)" heading`);
  if (heading[2] !== 'Unreleased') return heading[1];
  const commit = /-([0-9a-f]{12})$/.exec(moduleVersion)?.[1];
  if (!commit) throw new Error(`${PROVIDER_MODULE}@${moduleVersion}: an unreleased CHANGELOG needs a pseudo-version that names its commit`);
  return `${heading[1]}-dev.${commit}`;
}

// --- Go ------------------------------------------------------------------------------------------

/** The version `toolDir`'s go.mod requires of `modulePath`. */
function requiredVersion(toolDir: string, modulePath: string): string {
  const goMod = readFileSync(join(toolDir, 'go.mod'), 'utf8');
  const escaped = modulePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const version = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm').exec(goMod)?.[1];
  if (!version) throw new Error(`${join(toolDir, 'go.mod')} does not require ${modulePath}`);
  return version;
}

async function goModuleDir(toolDir: string, modulePath: string, log: Log): Promise<string> {
  checkGo(toolDir);
  await run('go', ['mod', 'download', modulePath], { cwd: toolDir, env: goEnv(), log, what: `download ${modulePath}` });
  return execFileSync('go', ['list', '-m', '-f', '{{.Dir}}', modulePath], { cwd: toolDir, env: goEnv(), encoding: 'utf8' }).trim();
}

/** Builds `packagePath` as the release builds do (static, trimmed paths, stripped) into `output`. */
async function goBuild(options: { toolDir: string; packagePath: string; ldflags: string; output: string; what: string; log: Log }): Promise<void> {
  const { toolDir, packagePath, ldflags, output, what, log } = options;
  checkGo(toolDir);
  mkdirSync(dirname(output), { recursive: true });
  await withLock(`${output}.lock`, log, async () => {
    if (isExecutable(output)) return; // another process built it while this one waited
    const partial = `${output}.partial`;
    const started = Date.now();
    let packages = 0;
    const timer = setInterval(() => log(`  ... building ${what}: ${packages} packages compiled, ${Math.round((Date.now() - started) / 60_000)} min`), 60_000);
    try {
      await run('go', ['build', '-v', '-trimpath', '-ldflags', ldflags, '-o', partial, packagePath], {
        cwd: toolDir,
        env: { ...goEnv(), CGO_ENABLED: '0' },
        log,
        what: `build ${what}`,
        onStderrLine: (line) => {
          if (!line.startsWith('go: ')) packages += 1;
        },
      });
    } finally {
      clearInterval(timer);
    }
    chmodSync(partial, 0o755);
    renameSync(partial, output);
    log(`Built ${what} in ${Math.round((Date.now() - started) / 1000)} s: ${output}`);
  });
}

function goEnv(): NodeJS.ProcessEnv {
  // -mod=readonly: the build uses exactly the committed go.mod/go.sum, never rewrites them.
  return { ...process.env, GOFLAGS: `${process.env.GOFLAGS ?? ''} -mod=readonly`.trim(), GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local' };
}

function checkGo(toolDir: string): void {
  let installed: string;
  try {
    installed = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8', env: goEnv() }).trim().replace(/^go/, '');
  } catch {
    throw new Error(`Building ${toolDir} needs Go (https://go.dev/doc/install, or Debian's golang package); no "go" on PATH.`);
  }
  const wanted = /^go (\S+)/m.exec(readFileSync(join(toolDir, 'go.mod'), 'utf8'))?.[1] ?? '0';
  if (compareVersions(installed, wanted) < 0) {
    throw new Error(`${join(toolDir, 'go.mod')} needs Go ${wanted}; this machine has Go ${installed}.`);
  }
}

function goPlatform(): string {
  const [goos, goarch] = execFileSync('go', ['env', 'GOOS', 'GOARCH'], { encoding: 'utf8', env: goEnv() }).trim().split('\n');
  return `${goos}_${goarch}`;
}

// --- Small helpers -------------------------------------------------------------------------------

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; log: Log; what: string; onStderrLine?: (line: string) => void },
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'ignore', 'pipe'] });
    const tail: string[] = [];
    let pending = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        options.onStderrLine?.(line);
        tail.push(line);
        if (tail.length > 40) tail.shift();
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`${options.what} failed (${command} ${args.join(' ')}: exit ${code}):\n${[...tail, pending].join('\n')}`));
    });
  });
}

/** Runs `body` while holding a lock directory (stale locks of dead processes are taken over). */
async function withLock(lockDir: string, log: Log, body: () => Promise<void>): Promise<void> {
  for (let waited = 0; ; waited += 1) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileIfExists(join(lockDir, 'pid')));
      if (owner > 0 && !isAlive(owner)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (waited % 60 === 0) log(`  ... waiting for process ${owner || '?'} that is building into ${dirname(lockDir)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    await body();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function reachable(url: string): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const req = request(url, { method: 'GET', timeout: 3000 }, (res) => {
      res.resume();
      resolvePromise((res.statusCode ?? 500) < 400);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolvePromise(false));
    req.end();
  });
}

function writeIfChanged(file: string, content: string): void {
  if (readFileIfExists(file) === content) return;
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, content);
  renameSync(partial, file);
}

function readFileIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function isExecutable(file: string): boolean {
  try {
    const stat = statSync(file);
    return stat.isFile() && (stat.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  const pb = b.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  }
  return 0;
}

/** Terraform without its checkpoint (version check over the network). */
function quietEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CHECKPOINT_DISABLE: '1' };
}
