/**
 * `npm run build` (and `npm pack`'s prepack): compiles the library into lib/, removes compiled files whose
 * source is gone, and writes the CDK Terrain entry point lib/cdktn/ from the same output.
 *
 * lib/cdktn/constructs/ is lib/constructs/ with the framework's imports mapped (CDKTF_TO_CDKTN): the same
 * constructs, built against `cdktn` and `@cdktn/provider-aws`, whose classes have the same names and
 * deep paths. Relative imports that leave constructs/ (the handler bundler, shared code, checks) point back
 * into lib/, which is framework-neutral, so nothing else is copied.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(__dirname, '..');
const LIB = join(ROOT, 'lib');
const CDKTN_DIR = join(LIB, 'cdktn');

/**
 * Exact string literals the CDK Terrain build rewrites: the framework's packages (with their deep paths,
 * '@cdktf/provider-aws/lib/s3-bucket'), and the entry point's own name (exactly).
 */
export const CDKTF_TO_CDKTN: ReadonlyArray<{ readonly from: string; readonly to: string; readonly deepPaths: boolean }> = [
  { from: 'cdktf', to: 'cdktn', deepPaths: true },
  { from: '@cdktf/provider-aws', to: '@cdktn/provider-aws', deepPaths: true },
  { from: 'cdktf-contact-site', to: 'cdktf-contact-site/cdktn', deepPaths: false },
];

/** `source` (compiled JS or a declaration file) with the CDKTF_TO_CDKTN literals rewritten; comments and longer strings stay. */
export function mapFrameworkLiterals(source: string): string {
  return source.replace(/(["'])((?:@[a-z0-9-]+\/)?[a-z0-9-]+)((?:\/[A-Za-z0-9._-]+)*)\1/g, (literal, quote: string, name: string, rest: string) => {
    const mapping = CDKTF_TO_CDKTN.find(({ from, deepPaths }) => from === name && (deepPaths || rest === ''));
    return mapping === undefined ? literal : `${quote}${mapping.to}${rest}${quote}`;
  });
}

/**
 * `source`, compiled from `fromFile`, moved to `toFile`: relative specifiers are rewritten to reach the same
 * targets unless the target is inside `copiedDir` (copied alongside, so the specifier stays).
 */
export function retargetRelativeImports(source: string, fromFile: string, toFile: string, copiedDir: string): string {
  return source.replace(/(require\(|from |import\()(["'])(\.\.?\/[^"']*)\2/g, (whole, lead: string, quote: string, specifier: string) => {
    const target = resolve(dirname(fromFile), specifier);
    if (target === copiedDir || target.startsWith(copiedDir + sep)) return whole;
    let moved = relative(dirname(toFile), target).split(sep).join('/');
    if (!moved.startsWith('.')) moved = `./${moved}`;
    return `${lead}${quote}${moved}${quote}`;
  });
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

/** Removes lib/ files (outside lib/cdktn) whose .ts source no longer exists, so a pack ships no stale code. */
function pruneStale(): void {
  for (const file of filesUnder(LIB)) {
    if (file.startsWith(CDKTN_DIR + sep)) continue;
    const stem = relative(LIB, file).replace(/(\.d\.ts|\.js)$/, '');
    if (!existsSync(join(ROOT, `${stem}.ts`))) rmSync(file);
  }
}

function writeCdktnEntryPoint(): void {
  const from = join(LIB, 'constructs');
  const to = join(CDKTN_DIR, 'constructs');
  rmSync(CDKTN_DIR, { recursive: true, force: true });
  for (const file of filesUnder(from)) {
    const target = join(to, relative(from, file));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, mapFrameworkLiterals(retargetRelativeImports(readFileSync(file, 'utf8'), file, target, from)));
  }
}

if (require.main === module) {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  pruneStale();
  writeCdktnEntryPoint();
}
