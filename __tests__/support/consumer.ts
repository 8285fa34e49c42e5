import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from './project-copy';

/**
 * The stack of the consumer apps: all three constructs from the packed library, CorsPreflight on a REST API
 * of the app's own. The names it uses (App, TerraformStack, AwsProvider, ApiGatewayRestApi,
 * ApiGatewayResource, StaticSite, ContactApi, CorsPreflight) come from the framework's header.
 */
export const CONSUMER_STACK = `
const app = new App();
const stack = new TerraformStack(app, 'consumer');
new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
const site = new StaticSite(stack, 'site', { siteDir: 'www' });
const api = new ContactApi(stack, 'contact', { allowedOrigins: site.origins });
site.addApiOrigin(api.apiOrigin);
const orders = new ApiGatewayRestApi(stack, 'orders-api', { name: 'orders', lifecycle: { createBeforeDestroy: true } });
const resource = new ApiGatewayResource(stack, 'orders', { restApiId: orders.id, parentId: orders.rootResourceId, pathPart: 'orders' });
new CorsPreflight(stack, 'orders-cors', {
  restApiId: orders.id,
  resourceId: resource.id,
  allowOrigins: ['https://shop.example.com', 'https://admin.example.com'],
  allowMethods: ['GET', 'POST'],
});
app.synth();
`;

/** A cdktf app (plain JavaScript) in another project that uses all three constructs from the packed library. */
export const CONSUMER_APP = `
const { App, TerraformStack } = require('cdktf');
const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');
const { ApiGatewayRestApi } = require('@cdktf/provider-aws/lib/api-gateway-rest-api');
const { ApiGatewayResource } = require('@cdktf/provider-aws/lib/api-gateway-resource');
const { StaticSite, ContactApi, CorsPreflight } = require('cdktf-contact-site');
${CONSUMER_STACK}`;

export interface Consumer {
  /** The tarball `npm pack` made. */
  readonly tarball: string;
  /** The consumer project's folder. */
  readonly dir: string;
  /** Its synthesized stack folder (holding cdk.tf.json). */
  readonly stackDir: string;
}

/**
 * Packs this library into `work` (unless `tarball` is given), installs it into a fresh project there (with a site of two
 * pages) and synthesizes CONSUMER_APP in it.
 */
export function packAndSynthConsumer(work: string, tarball: string = packLibrary(work)): Consumer {
  const env = consumerEnv();
  const dir = join(work, 'consumer');
  writeConsumerProject(dir);
  writeFileSync(join(dir, 'app.js'), CONSUMER_APP);
  // The frameworks are optional peers (cdktf or cdktn): a cdktf project installs its own, here the versions
  // this repository tests with. --prefer-offline: npm's cache already holds them once this repository is installed.
  const frameworks = ['cdktf', '@cdktf/provider-aws', 'constructs'].map((pkg) => `${pkg}@${installedVersion(pkg)}`);
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...frameworks], { cwd: dir, env, stdio: 'pipe' });
  execFileSync(process.execPath, ['app.js'], { cwd: dir, env, stdio: 'pipe' });
  return { tarball, dir, stackDir: join(dir, 'cdktf.out', 'stacks', 'consumer') };
}

/** The environment of every npm and app command in a consumer project. */
export function consumerEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CHECKPOINT_DISABLE: '1', npm_config_audit: 'false', npm_config_fund: 'false' };
}

/** `npm pack` of this library into `work`; the tarball's path. */
export function packLibrary(work: string): string {
  const output = withPackLock(() =>
    execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: PROJECT_ROOT, env: consumerEnv(), encoding: 'utf8' }),
  );
  return join(work, output.trim().split('\n').pop()!);
}

/** A fresh project folder: package.json and a site of two pages in www/. */
export function writeConsumerProject(dir: string): void {
  mkdirSync(join(dir, 'www'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  writeFileSync(join(dir, 'www', 'index.html'), '<h1>consumer</h1>');
  writeFileSync(join(dir, 'www', '404.html'), '<h1>missing</h1>');
}

/** The version of `pkg` installed in this repository. */
export function installedVersion(pkg: string): string {
  return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

const PACK_LOCK = join(tmpdir(), `cdktf-contact-site-pack-${createHash('sha256').update(PROJECT_ROOT).digest('hex').slice(0, 12)}.lock`);
const STALE_LOCK_MS = 10 * 60_000;

/**
 * One `npm pack` of this checkout at a time: its prepack build rewrites lib/, and test files that
 * pack run in parallel jest workers. A lock older than ten minutes is a crashed run's and is taken over.
 */
function withPackLock<T>(pack: () => T): T {
  for (;;) {
    try {
      mkdirSync(PACK_LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(PACK_LOCK).mtimeMs > STALE_LOCK_MS) rmSync(PACK_LOCK, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    return pack();
  } finally {
    rmSync(PACK_LOCK, { recursive: true, force: true });
  }
}
