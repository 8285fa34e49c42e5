import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { createZip } from './zip';

/**
 * Builds the handlers' Lambda zips at synth time: esbuild bundles `<handler>/index` (`contact/`, the form's
 * handler, or `notify/`, the notifier of new submissions) into one minified CommonJS file, which goes into a
 * byte-deterministic zip as `index.js`. Each handler has its own zip and so its own `source_code_hash`.
 *
 * The AWS SDK is bundled by default. Measured (bench/handler-results.md): the contact zip is about 107 KB with the
 * DynamoDB client bundled and about 6.4 KB without it; the cold start of either is about the same. Bundled,
 * because the function then runs the SDK version this package was tested with (pinned by the lock file), not
 * whichever one the runtime ships that month, at the cost of ~100 KB that is far below any Lambda limit.
 * `sdk: 'external'` remains available for whoever prefers the runtime's SDK.
 */

/** The default Lambda runtime: Node.js 24, the current LTS (nodejs22.x is deprecated in 2027). */
export const LAMBDA_RUNTIME = 'nodejs24.x';
/** The oldest runtime ContactApi accepts (nodejs22.x), so that one zip runs on every one of them. */
export const ESBUILD_TARGET = 'node22';
/** Lambda architecture the handler is tested for (pure JavaScript, so either works; arm64 is cheaper). */
export const LAMBDA_ARCHITECTURE = 'arm64';
/** The function's `handler` setting: file `index.js` in the zip, export `handler`. */
export const LAMBDA_HANDLER = 'index.handler';

export interface BundleOptions {
  /** Folder for the zip. @default a folder under os.tmpdir() named by the zip's hash */
  readonly outDir?: string;
  /** Bundle the AWS SDK into the zip, or leave it to the Lambda runtime. @default 'bundled' */
  readonly sdk?: 'bundled' | 'external';
}

/** The handlers this file bundles: each a folder beside it with an `index.ts` that exports `handler`. */
export type HandlerName = 'contact' | 'notify';

/** The zip's file name in its folder, per handler. */
const ZIP_FILE_NAMES: { readonly [name in HandlerName]: string } = {
  contact: 'contact-handler.zip',
  notify: 'notify-handler.zip',
};

export interface HandlerBundle {
  readonly zipPath: string;
  /** Base64 SHA-256 of the zip: what `aws_lambda_function.source_code_hash` expects. */
  readonly sourceCodeHash: string;
  readonly sizeBytes: number;
}

export type ContactHandlerBundle = HandlerBundle;

/** Bundles the contact form's handler and writes its zip (see bundleHandler). */
export function bundleContactHandler(options: BundleOptions = {}): HandlerBundle {
  return bundleHandler('contact', options);
}

/** Bundles the notifier (DynamoDB Streams -> SNS) and writes its zip (see bundleHandler). */
export function bundleNotifyHandler(options: BundleOptions = {}): HandlerBundle {
  return bundleHandler('notify', options);
}

/**
 * Bundles a handler and writes the zip (synchronous: constructs call it in their constructor).
 *
 * esbuild takes most of a synth's time, so the zip of an earlier build is reused when every file that
 * build read (from esbuild's metafile) is unchanged and so is the project's package-lock.json (an install
 * can move a package to another path without changing the old file). Without a lock file nothing is
 * reused. "Unchanged" is the same content for the handler's own sources, and the same size, mtime and
 * ctime for the ~900 files under node_modules (the SDK): those are pinned by the lock file, and reading
 * and hashing them all took longer than the rest of the cache check together; any write to one
 * (patch-package, a reinstall) still changes its ctime. Each handler has its own cache record (named by its
 * entry file).
 */
export function bundleHandler(name: HandlerName, options: BundleOptions = {}): HandlerBundle {
  const sdk = options.sdk ?? 'bundled';
  const entry = findHandlerEntry(name);
  // esbuild's version from its package.json: loading esbuild itself is only needed for a build.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a JSON file read on demand, not a module import
  const esbuildVersion = (require('esbuild/package.json') as { version: string }).version;
  const cacheFile = join(CACHE_DIR, `${sha256Hex(`${entry}\0${sdk}\0${esbuildVersion}`).slice(0, 16)}.json`);
  const lockFile = findLockFile(entry);
  const lockHash = lockFile === undefined ? undefined : sha256Hex(readFileSync(lockFile));
  const cached = lockHash === undefined ? undefined : readCachedBuild(cacheFile, lockHash);

  let zip: Buffer;
  if (cached) {
    zip = cached;
  } else {
    const built = buildScript(entry, sdk);
    zip = zipOf(built.script);
    if (lockHash !== undefined) writeCachedBuild(cacheFile, lockHash, built.inputs, zip);
  }
  const digest = createHash('sha256').update(zip).digest();
  const outDir = options.outDir ?? join(tmpdir(), 'cdktf-contact-handler', digest.toString('hex').slice(0, 16));
  const zipPath = join(outDir, ZIP_FILE_NAMES[name]);
  if (!existsSync(zipPath) || !readFileSync(zipPath).equals(zip)) writeAtomically(zipPath, zip);
  return { zipPath, sourceCodeHash: digest.toString('base64'), sizeBytes: zip.length };
}

const CACHE_DIR = join(tmpdir(), 'cdktf-contact-handler', 'cache');

interface CachedBuild {
  readonly lockHash: string;
  /** Every file esbuild read: the SHA-256 of its content, or for files under node_modules its stat fingerprint. */
  readonly inputs: Record<string, string>;
  readonly zipBase64: string;
}

const isUnderNodeModules = (path: string): boolean => path.split(sep).includes('node_modules');

/** What the cache compares for one input file (see bundleHandler). */
function fingerprint(file: string): string {
  if (isUnderNodeModules(file)) {
    const stat = statSync(file);
    return `stat:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
  }
  return sha256Hex(readFileSync(file));
}

function readCachedBuild(cacheFile: string, lockHash: string): Buffer | undefined {
  try {
    const record = JSON.parse(readFileSync(cacheFile, 'utf8')) as CachedBuild;
    if (record.lockHash !== lockHash) return undefined;
    for (const [file, recorded] of Object.entries(record.inputs)) {
      if (fingerprint(file) !== recorded) return undefined;
    }
    return Buffer.from(record.zipBase64, 'base64');
  } catch {
    return undefined; // no record, a file gone, or a corrupt record: build afresh
  }
}

function writeCachedBuild(cacheFile: string, lockHash: string, inputs: readonly string[], zip: Buffer): void {
  try {
    const record: CachedBuild = {
      lockHash,
      inputs: Object.fromEntries(inputs.map((file) => [file, fingerprint(file)])),
      zipBase64: zip.toString('base64'),
    };
    writeAtomically(cacheFile, Buffer.from(JSON.stringify(record)));
  } catch {
    // The cache only saves time: an input that cannot be read again, or a read-only temp folder, costs
    // the next synth a rebuild, never this one its zip.
  }
}

/** The package-lock.json of the project this package is installed in (or of this repository). */
function findLockFile(from: string): string | undefined {
  let dir = dirname(from);
  for (;;) {
    if (!isUnderNodeModules(dir) && existsSync(join(dir, 'package-lock.json'))) {
      return join(dir, 'package-lock.json');
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function writeAtomically(file: string, data: Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, data, { mode: 0o644 });
  renameSync(partial, file);
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The zip's bytes, built in memory (no cache). */
export function buildHandlerZip(name: HandlerName, options: Pick<BundleOptions, 'sdk'> = {}): Buffer {
  return zipOf(buildHandlerScript(name, options));
}

/** The contact handler's zip, built in memory. */
export function buildContactHandlerZip(options: Pick<BundleOptions, 'sdk'> = {}): Buffer {
  return buildHandlerZip('contact', options);
}

/** The notifier's zip, built in memory. */
export function buildNotifyHandlerZip(options: Pick<BundleOptions, 'sdk'> = {}): Buffer {
  return buildHandlerZip('notify', options);
}

function zipOf(script: Uint8Array): Buffer {
  return createZip([{ name: 'index.js', data: script }]);
}

/**
 * A handler's entry file (the contact handler's by default). The TypeScript source is preferred, also when this
 * file runs compiled from `lib/handlers/` (then the source sits at `<package>/handlers/`): esbuild tree-shakes the
 * SDK's ES modules behind `import`, but tsc's CommonJS `require()` pulls in the whole client (131 KB instead of
 * 107 KB zipped for the contact handler) and gives a different zip. The compiled JavaScript is the last resort.
 */
export function findHandlerEntry(name: HandlerName = 'contact'): string {
  const candidates = [join(__dirname, name, 'index.ts'), join(__dirname, '..', '..', 'handlers', name, 'index.ts'), join(__dirname, name, 'index.js')];
  const entry = candidates.find((file) => existsSync(file));
  if (entry === undefined) {
    const title = `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
    throw new Error(`${title} handler source not found; looked for ${candidates.join(', ')}`);
  }
  return entry;
}

/** A bundled handler script (what its zip holds as index.js). */
export function buildHandlerScript(name: HandlerName, options: Pick<BundleOptions, 'sdk'> = {}): Uint8Array {
  return buildScript(findHandlerEntry(name), options.sdk ?? 'bundled').script;
}

/** The bundled contact handler script. */
export function buildContactHandlerScript(options: Pick<BundleOptions, 'sdk'> = {}): Uint8Array {
  return buildHandlerScript('contact', options);
}

function buildScript(entry: string, sdk: 'bundled' | 'external'): { script: Uint8Array; inputs: string[] } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- esbuild is loaded only when a zip has to be built
  const { buildSync } = require('esbuild') as typeof import('esbuild');
  // esbuild reports its inputs under their real paths, relative to absWorkingDir: a working folder reached
  // through a symlink (a linked package, --preserve-symlinks) must be given as its real path too.
  const handlersDir = realpathSync(dirname(dirname(entry)));
  const result = buildSync({
    entryPoints: [entry],
    absWorkingDir: handlersDir,
    outfile: join(handlersDir, 'index.js'),
    write: false,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: ESBUILD_TARGET,
    minify: true,
    treeShaking: true,
    legalComments: 'none',
    charset: 'utf8',
    sourcemap: false,
    // Prefer the SDK's ES module builds: they tree-shake far better than its CommonJS ones.
    mainFields: ['module', 'main'],
    // The SDK lazily `import()`s node:http and node:async_hooks; as require() they also load inside vm
    // sandboxes (jest, local previews) where dynamic import needs --experimental-vm-modules.
    supported: { 'dynamic-import': false },
    external: sdk === 'external' ? ['@aws-sdk/*', '@smithy/*'] : [],
    metafile: true,
    // Fixed compiler settings, so that the output does not depend on which tsconfig.json sits above the source.
    tsconfigRaw: { compilerOptions: { strict: true, alwaysStrict: true, useDefineForClassFields: true } },
    logLevel: 'silent',
  });
  const script = result.outputFiles[0]!.contents;
  // A path of this machine in the bundle would make the zip differ per checkout folder.
  if (Buffer.from(script).includes(handlersDir)) throw new Error('The bundle embeds an absolute path');
  const inputs = Object.keys(result.metafile!.inputs).map((file) => resolve(handlersDir, file));
  return { script, inputs };
}
