/**
 * `npm run bench`: the project's benchmarks, measured side by side in one run and reported as ratios so
 * that a busy machine does not change the verdict. Prints a table and writes bench/results.md and
 * bench/synth-scale.svg. Not a test: nothing here fails the build.
 *
 * Options: --quick (fewer rounds, sites up to 1,000 files), --skip-cdktn, --skip-scale, --skip-tests, --skip-handler (each leaves its
 * section out of results.md).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ts from 'typescript';
import { bundleContactHandler } from '../handlers/bundle';
import { appNodeArgsFor } from '../scripts/app-command';
import { mapFrameworkLiterals, retargetRelativeImports } from '../scripts/build';
import { cacheDir } from '../scripts/terraform-toolchain';
import { Command, compareAll, fitLine, median, timeOnce } from './measure';
import { logXPlot } from './plot';

const ROOT = resolve(__dirname, '..');
const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
const ROUNDS = QUICK ? 3 : 7;
const CLI_ROUNDS = QUICK ? 1 : 5;
const LARGE_SITE_ROUNDS = QUICK ? 1 : 3;
const SITE_SIZES = QUICK ? [10, 100, 1000] : [10, 100, 1000, 10000];
// The synth budget: the example within 1.1x of the same stack written by hand (bench/apps/handwritten-app.ts), compiled and through the CLI.
const BUDGET = { handwrittenRatio: 1.1, scaleRatio10k: 10, unitSuiteSeconds: 30 };

const lines: string[] = [];
const say = (line = '') => {
  console.log(line);
  lines.push(line);
};
const verdict = (ok: boolean) => (ok ? 'ok' : 'OVER');
const ms = (value: number) => `${Math.round(value)} ms`;

function versionOf(pkg: string): string {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

/** A scratch folder with this project's node_modules linked in, so that runners resolve packages. */
function scratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** The hand-written app (bench/apps/handwritten-app.ts) compiled into `dir` as tsc compiles lib/ (tsconfig.build.json). */
function compileHandwrittenApp(dir: string): string {
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(join(ROOT, 'tsconfig.build.json'), ts.sys.readFile).config, ts.sys, ROOT);
  const source = readFileSync(join(ROOT, 'bench', 'apps', 'handwritten-app.ts'), 'utf8');
  const compiled = ts.transpileModule(source, { compilerOptions: { ...parsed.options, declaration: false }, fileName: 'handwritten-app.ts' });
  const file = join(dir, 'handwritten-app.js');
  writeFileSync(file, compiled.outputText);
  return file;
}

const stackJsonIn = (outdir: string) => readFileSync(join(outdir, 'stacks', 'contact-site', 'cdk.tf.json'), 'utf8');

/** A row of the synth tables: the example against the hand-written app (the budget) and the empty stack (information). */
function synthRow(runner: string, result: ReturnType<typeof compareAll>): void {
  const [handwritten, empty] = result.baselines;
  say(
    `| ${runner} | ${ms(result.subjectMs)} | ${ms(handwritten!.baselineMs)} | ${handwritten!.ratio.toFixed(2)} | ${BUDGET.handwrittenRatio} | ${verdict(handwritten!.ratio <= BUDGET.handwrittenRatio)} | ${ms(empty!.baselineMs)} | ${empty!.ratio.toFixed(2)} |`,
  );
}

/** The lowest and highest per-round ratio against the first baseline (the hand-written app): how much one round can say. */
const spread = (result: ReturnType<typeof compareAll>) => {
  const ratios = result.baselines[0]!.ratios;
  return `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`;
};

function benchSynth(): void {
  say('## Synth: the example stack against the same stack written by hand');
  say();
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const work = scratch('bench-synth-');
  // The hand-written app takes the handler's zip from a build step before the synth, as a user without the library would.
  const handlerZip = bundleContactHandler({ outDir: join(work, 'handler') }).zipPath;
  const handwrittenEnv = { BENCH_HANDLER_ZIP: handlerZip, BENCH_SITE_DIR: join(ROOT, 'site') };
  const handwrittenJs = compileHandwrittenApp(work);
  const node = (label: string, app: string, env: NodeJS.ProcessEnv = {}): Command => ({
    label,
    command: process.execPath,
    args: [app],
    cwd: work,
    env: { ...env, CDKTF_OUTDIR: join(work, `out-${label.split(' ')[0]}`) },
  });
  const compiled = compareAll(
    node('example (compiled)', join(ROOT, 'lib', 'main.js')),
    [node('handwritten (compiled)', handwrittenJs, handwrittenEnv), node('empty (compiled)', join(ROOT, 'bench', 'apps', 'empty-app.js'))],
    ROUNDS,
  );
  const exampleJson = stackJsonIn(join(work, 'out-example'));
  const sameCompiled = stackJsonIn(join(work, 'out-handwritten')) === exampleJson;

  // `cdktf synth` of the project as users run it, against the same runner and CLI on the hand-written and the empty app.
  const cdktfJson = JSON.parse(readFileSync(join(ROOT, 'cdktf.json'), 'utf8'));
  const cliProject = (prefix: string, app: string): string => {
    const dir = scratch(prefix);
    cpSync(app, join(dir, basename(app)));
    cpSync(join(ROOT, 'scripts', 'no-source-maps.js'), join(dir, 'scripts', 'no-source-maps.js')); // the runner's preload
    writeFileSync(join(dir, 'cdktf.json'), JSON.stringify({ ...cdktfJson, app: cdktfJson.app.replace('main.ts', basename(app)) }));
    return dir;
  };
  const handwrittenProject = cliProject('bench-synth-cli-handwritten-', join(ROOT, 'bench', 'apps', 'handwritten-app.ts'));
  const emptyProject = cliProject('bench-synth-cli-empty-', join(ROOT, 'bench', 'apps', 'empty-app.js'));
  const cdktf = join(ROOT, 'node_modules', '.bin', 'cdktf');
  const cliCommand = (label: string, cwd: string, env: NodeJS.ProcessEnv = {}): Command => ({
    label,
    command: cdktf,
    args: ['synth'],
    cwd,
    env: { CI: '1', ...env },
  });
  const cli = compareAll(
    cliCommand('example (cdktf synth)', ROOT),
    [cliCommand('handwritten (cdktf synth)', handwrittenProject, handwrittenEnv), cliCommand('empty (cdktf synth)', emptyProject)],
    CLI_ROUNDS,
  );
  const sameCli = stackJsonIn(join(handwrittenProject, 'cdktf.out')) === stackJsonIn(join(ROOT, 'cdktf.out'));
  const blocks = countRefreshed(exampleJson);

  say(
    `The hand-written stack (bench/apps/handwritten-app.ts) is what a user would write instead of using the library: the example's ${blocks} resources and data sources in one cdktf stack, with plain provider classes, literal values, the handler's zip built beforehand and added as a TerraformAsset, and the same suppressions; its cdk.tf.json is the example's, byte for byte (held by __tests__/integration/bench-handwritten.test.ts; in this run: ${sameCompiled && sameCli ? 'the same, compiled and through the CLI' : 'NOT the same'}). The empty stack (only the AWS provider) is there for information.`,
  );
  say();
  say('| runner | example | hand-written | example / hand-written | budget | | empty stack | example / empty (information) |');
  say('|---|---:|---:|---:|---:|---|---:|---:|');
  synthRow('`node lib/main.js` (compiled; hand-written: compiled the same way)', compiled);
  synthRow(`\`cdktf synth\` (app: \`${cdktfJson.app}\`; hand-written: the same runner on its .ts)`, cli);
  say();
  say(
    `Medians of ${ROUNDS} (compiled) and ${CLI_ROUNDS} (CLI) rounds after a warm-up, the three apps in each round in rotating order; ratios are medians of the per-round ratios (example / hand-written per round: ${spread(compiled)} compiled, ${spread(cli)} through the CLI). The example's handler zip comes from its synth cache after the first run (the check of that cache is part of its time); the hand-written app reads a prebuilt zip.`,
  );
  say();
  benchSynthPhases(work, handwrittenJs, handwrittenEnv, compiled.baselines[0]!.ratio);
  for (const dir of [work, handwrittenProject, emptyProject]) rmSync(dir, { recursive: true, force: true });
}

const PHASES = [
  ['cdktf', "node start-up and `require('cdktf')`"],
  ['modules', "the app's other modules (example: the library and every provider class it imports; hand-written: the provider classes it uses)"],
  ['construct', 'building the construct tree'],
  ['synth', '`app.synth()`: token resolution, validation, writing cdktf.out'],
] as const;
const WHICH = ['example', 'handwritten', 'empty'] as const;
type Which = (typeof WHICH)[number];

/**
 * Where the compiled synth's time goes, timed inside the process (bench/apps/phases.js) in alternating rounds:
 * what the example adds over the hand-written stack, phase by phase, against the headroom the budget leaves.
 */
function benchSynthPhases(work: string, handwrittenJs: string, handwrittenEnv: NodeJS.ProcessEnv, compiledRatio: number): void {
  const modulesLoaded: Partial<Record<Which, number>> = {};
  const run = (which: Which): Record<string, number> => {
    const env = {
      ...process.env,
      ...handwrittenEnv,
      BENCH_HANDWRITTEN_APP: handwrittenJs,
      CHECKPOINT_DISABLE: '1',
      CDKTF_OUTDIR: join(work, `phases-${which}.out`),
    };
    const out = execFileSync(process.execPath, [join(ROOT, 'bench', 'apps', 'phases.js'), which], { cwd: work, env, encoding: 'utf8' });
    const marks = JSON.parse(out) as Record<string, number> & { modulesLoaded: Record<string, number> };
    modulesLoaded[which] = marks.modulesLoaded.modules! - marks.modulesLoaded.cdktf!;
    let previous = 0;
    return Object.fromEntries(
      PHASES.map(([phase]) => {
        const ms = marks[phase]! - previous;
        previous = marks[phase]!;
        return [phase, ms];
      }),
    );
  };
  WHICH.forEach((which) => run(which));
  const samples: Record<Which, Record<string, number>[]> = { example: [], handwritten: [], empty: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let step = 0; step < WHICH.length; step += 1) {
      const which = WHICH[(round + step) % WHICH.length]!;
      samples[which].push(run(which));
    }
  }
  const phaseMedian = (which: Which, phase: string) => median(samples[which].map((sample) => sample[phase]!));
  say('Where the time goes, inside the process (medians of the same number of rounds; process exit not included):');
  say();
  say('| phase | example | hand-written | empty stack | example adds over hand-written |');
  say('|---|---:|---:|---:|---:|');
  const totals: Record<Which, number> = { example: 0, handwritten: 0, empty: 0 };
  for (const [phase, label] of PHASES) {
    for (const which of WHICH) totals[which] += phaseMedian(which, phase);
    say(
      `| ${label} | ${ms(phaseMedian('example', phase))} | ${ms(phaseMedian('handwritten', phase))} | ${ms(phaseMedian('empty', phase))} | ${ms(phaseMedian('example', phase) - phaseMedian('handwritten', phase))} |`,
    );
  }
  say(`| total | ${ms(totals.example)} | ${ms(totals.handwritten)} | ${ms(totals.empty)} | ${ms(totals.example - totals.handwritten)} |`);
  say();
  const headroom = (BUDGET.handwrittenRatio - 1) * totals.handwritten;
  const extra = (phases: readonly string[]) => phases.reduce((sum, phase) => sum + phaseMedian('example', phase) - phaseMedian('handwritten', phase), 0);
  const loading = extra(['modules']);
  const building = extra(['construct', 'synth']);
  const share = (part: number) => `${(part / headroom).toFixed(2)}x the headroom`;
  say(
    `A ${BUDGET.handwrittenRatio}x budget leaves the example ${ms(headroom)} more than the hand-written stack. Loading its modules takes ${ms(loading)} more (${share(loading)}): ${modulesLoaded.example} modules after cdktf against ${modulesLoaded.handwritten}, among them the provider classes of features this configuration leaves off (custom domain, notifications, WAF, access logging), mime-types and the handler bundler. Building and synthesizing the same ${countRefreshed(stackJsonIn(join(work, 'phases-example.out')))} resources and data sources takes ${ms(building)} more (${share(building)}): prop validation, names, suppressions, and the check of the handler's build cache (which stats the files the last build read). In-process ratio: ${(totals.example / totals.handwritten).toFixed(2)} (${compiledRatio.toFixed(2)} as wall time); against the empty stack ${(totals.example / totals.empty).toFixed(2)}.`,
  );
  say();
}

// CDK Terrain: the same two apps in a project that has installed it as a new user would (the versions of issue 15).
const CDKTN_PACKAGES = ['cdktn@0.24.0', 'cdktn-cli@0.24.0', '@cdktn/provider-aws@25.7.0', 'constructs@10.7.0'];
// The library's own dependencies, as an install of the package would bring them.
const LIBRARY_DEPENDENCIES = ['esbuild', 'mime-types'].map((pkg) => `${pkg}@${versionOf(pkg)}`);
const CDKTN_MINIMUM_NODE = [22, 19] as const; // cdktn-cli 0.24.0's engines.node

/** A project with CDKTN_PACKAGES installed, kept between runs outside the checkout (installed once, ~30 s). */
function cdktnProject(): string {
  const dir = join(
    cacheDir(),
    'bench-cdktn',
    createHash('sha256')
      .update([...CDKTN_PACKAGES, ...LIBRARY_DEPENDENCIES].join(' '))
      .digest('hex')
      .slice(0, 12),
  );
  if (existsSync(join(dir, 'node_modules', 'cdktn', 'package.json'))) return dir;
  mkdirSync(dirname(dir), { recursive: true });
  const partial = mkdtempSync(`${dir}.partial-`);
  writeFileSync(join(partial, 'package.json'), JSON.stringify({ name: 'bench-cdktn', version: '1.0.0', private: true }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...CDKTN_PACKAGES, ...LIBRARY_DEPENDENCIES], { cwd: partial, stdio: 'pipe' });
  renameSync(partial, dir);
  return dir;
}

/** A Node that can run cdktn-cli: this one, or the Node 22 that the cdktn tests cache (scripts/cdktn-node.ts); else undefined. */
function cdktnCliNode(): string | undefined {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  if (major > CDKTN_MINIMUM_NODE[0] || (major === CDKTN_MINIMUM_NODE[0] && minor >= CDKTN_MINIMUM_NODE[1])) return process.execPath;
  const nodeDir = join(cacheDir(), 'node');
  const cached = existsSync(nodeDir)
    ? readdirSync(nodeDir)
        .filter((version) => /^\d+\.\d+\.\d+$/.test(version))
        .map((version) => join(nodeDir, version, 'node_modules', `node-${process.platform}-${process.arch}`, 'bin', 'node'))
    : [];
  return cached.find((binary) => existsSync(binary));
}

/**
 * The example and the hand-written app on CDK Terrain: compiled as for cdktf, with the framework imports mapped
 * (scripts/build.ts's mapFrameworkLiterals, as the library's cdktn entry point is built) into a project with
 * cdktn installed; timed with `node` and through `cdktn synth`.
 */
function benchCdktn(): void {
  say('## Synth on CDK Terrain (cdktn): the example against the same stack written by hand');
  say();
  const project = cdktnProject();
  const work = mkdtempSync(join(project, 'run-'));
  // The compiled constructs and example, mapped as the build maps lib/cdktn/constructs/: what leaves constructs/ (the
  // handler bundler, shared code) is framework-neutral and stays in lib/, where the handler's build cache is.
  const libDir = join(ROOT, 'lib');
  const copyMapped = (from: string, to: string) => {
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, mapFrameworkLiterals(retargetRelativeImports(readFileSync(from, 'utf8'), from, to, join(libDir, 'constructs'))));
  };
  const copyTree = (from: string, to: string) => {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      if (entry.isDirectory()) copyTree(join(from, entry.name), join(to, entry.name));
      else if (entry.name.endsWith('.js')) copyMapped(join(from, entry.name), join(to, entry.name));
    }
  };
  copyTree(join(libDir, 'constructs'), join(work, 'lib', 'constructs'));
  copyMapped(join(libDir, 'main.js'), join(work, 'lib', 'main.js'));
  symlinkSync(join(ROOT, 'site'), join(work, 'site'), 'dir'); // the example's site folder, beside lib/ as in the checkout
  const handwrittenJs = compileHandwrittenApp(work);
  writeFileSync(handwrittenJs, mapFrameworkLiterals(readFileSync(handwrittenJs, 'utf8')));
  writeFileSync(join(work, 'empty-app.js'), mapFrameworkLiterals(readFileSync(join(ROOT, 'bench', 'apps', 'empty-app.js'), 'utf8')));
  const handlerZip = bundleContactHandler({ outDir: join(work, 'handler') }).zipPath;
  const handwrittenEnv = { BENCH_HANDLER_ZIP: handlerZip, BENCH_SITE_DIR: join(ROOT, 'site') };
  const apps = { example: join(work, 'lib', 'main.js'), handwritten: handwrittenJs, empty: join(work, 'empty-app.js') };
  const envOf = (which: keyof typeof apps) => (which === 'handwritten' ? handwrittenEnv : {});

  const node = (which: keyof typeof apps): Command => ({
    label: `${which} (cdktn, compiled)`,
    command: process.execPath,
    args: [apps[which]],
    cwd: work,
    env: { ...envOf(which), CDKTF_OUTDIR: join(work, `out-${which}`) },
  });
  const compiled = compareAll(node('example'), [node('handwritten'), node('empty')], ROUNDS);
  const exampleJson = stackJsonIn(join(work, 'out-example'));
  const same = stackJsonIn(join(work, 'out-handwritten')) === exampleJson;
  const doc = JSON.parse(exampleJson) as { '//': { metadata: { version: string } }; terraform: { required_providers: { aws: { version: string } } } };

  const cliNode = cdktnCliNode();
  const cliBin = join(project, 'node_modules', 'cdktn-cli', 'bin', 'cdktn');
  let cli: ReturnType<typeof compareAll> | undefined;
  if (cliNode && existsSync(cliBin)) {
    writeFileSync(
      join(work, 'cdktf.json'),
      JSON.stringify({ language: 'typescript', app: 'node lib/main.js', projectId: 'bench-cdktn', sendCrashReports: 'false' }),
    );
    const synth = (which: keyof typeof apps): Command => ({
      label: `${which} (cdktn synth)`,
      command: cliNode,
      args: [cliBin, 'synth', '--app', `${process.execPath} ${apps[which]}`, '--output', join(work, `cli-${which}`)],
      cwd: work,
      env: { CI: '1', ...envOf(which) },
    });
    cli = compareAll(synth('example'), [synth('handwritten'), synth('empty')], CLI_ROUNDS);
  }

  say(
    `cdktn ${versionIn(project, 'cdktn')}, cdktn-cli ${versionIn(project, 'cdktn-cli')}, @cdktn/provider-aws ${versionIn(project, '@cdktn/provider-aws')} (AWS provider ${doc.terraform.required_providers.aws.version}), constructs ${versionIn(project, 'constructs')}, installed with npm in a project outside the checkout. The compiled example (lib/) and the compiled hand-written app, their imports mapped from cdktf to cdktn as the build maps the library's cdktn entry point; the cdk.tf.json of the two is ${same ? 'the same, byte for byte' : 'NOT the same'} (synthesized by cdktn ${doc['//'].metadata.version}).`,
  );
  say();
  say('| runner | example | hand-written | example / hand-written | budget | | empty stack | example / empty (information) |');
  say('|---|---:|---:|---:|---:|---|---:|---:|');
  synthRow(`\`node lib/main.js\` (compiled, mapped to cdktn; Node ${process.version})`, compiled);
  if (cli) synthRow(`\`cdktn synth --app "node lib/main.js"\` (cdktn-cli on Node ${execFileSync(cliNode!, ['--version'], { encoding: 'utf8' }).trim()})`, cli);
  say();
  say(
    cli
      ? `Medians of ${ROUNDS} (compiled) and ${CLI_ROUNDS} (CLI) rounds after a warm-up, in rotating order, as for cdktf (example / hand-written per round: ${spread(compiled)} compiled, ${spread(cli)} through the CLI). Through the CLI the apps run compiled (there is no cdktn copy of the TypeScript sources to run with tsx).`
      : `Medians of ${ROUNDS} rounds after a warm-up, in rotating order, as for cdktf (example / hand-written per round: ${spread(compiled)}). Not through \`cdktn synth\`: cdktn-cli 0.24 needs Node >= ${CDKTN_MINIMUM_NODE.join('.')}, and this machine has none cached (the cdktn tests install one).`,
  );
  say();
  rmSync(work, { recursive: true, force: true });
}

const versionIn = (project: string, pkg: string): string =>
  (JSON.parse(readFileSync(join(project, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

/** A generated site: index.html, 404.html and pages in folders of 100. */
function generateSite(dir: string, files: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<h1>Home</h1>');
  writeFileSync(join(dir, '404.html'), '<h1>Not found</h1>');
  for (let i = 0; i < files - 2; i += 1) {
    const folder = join(dir, `section-${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `page-${i}.html`), `<p>Page ${i}</p>\n`.repeat(20));
  }
}

type UploadMode = 'objects' | 'sync';
const UPLOAD_MODES: readonly UploadMode[] = ['objects', 'sync'];
interface ScaleRow {
  readonly files: number;
  readonly ms: number;
  readonly bytes: number;
  /** Resources and data sources in cdk.tf.json: what every `terraform plan` refreshes. */
  readonly refreshed: number;
}

/** Resource and data source blocks of a synthesized stack. */
function countRefreshed(stackJson: string): number {
  const doc = JSON.parse(stackJson) as { resource?: Record<string, object>; data?: Record<string, object> };
  const count = (blocks?: Record<string, object>) => Object.values(blocks ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
  return count(doc.resource) + count(doc.data);
}

/** The x where two fitted lines cross, when the second one is cheaper per file; else undefined. */
function crossOver(a: { intercept: number; slope: number }, b: { intercept: number; slope: number }): number | undefined {
  return a.slope > b.slope ? Math.max(0, (b.intercept - a.intercept) / (a.slope - b.slope)) : undefined;
}

/** Rounds up to 1, 2 or 5 times a power of ten, for a recommendation that does not pretend to precision. */
function roundUpNice(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(value, 1)));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

const count = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'no size');

function benchScale(): void {
  say("## Scale: synth time and cdk.tf.json size against the number of site files, `upload: 'objects'` and `'sync'`");
  say();
  const work = scratch('bench-scale-');
  const rows: Record<UploadMode, ScaleRow[]> = { objects: [], sync: [] };
  for (const files of SITE_SIZES) {
    const siteDir = join(work, `site-${files}`);
    generateSite(siteDir, files);
    const commands = UPLOAD_MODES.map((mode): Command => ({
      label: `site of ${files} (${mode})`,
      command: process.execPath,
      args: appNodeArgsFor(join('bench', 'apps', 'site-app.ts'), ROOT), // the example app's runner (cdktf.json)
      cwd: work,
      env: { BENCH_SITE_DIR: siteDir, BENCH_OUTDIR: join(work, `out-${files}-${mode}`), BENCH_UPLOAD: mode },
    }));
    // A warm-up of each (the first runs pay for cold caches), then the two modes alternate round by
    // round, so that the machine's load hits both alike.
    if (files === SITE_SIZES[0]) commands.forEach((command) => timeOnce(command));
    const samples: number[][] = commands.map(() => []);
    for (let round = 0; round < (files >= 10000 ? LARGE_SITE_ROUNDS : ROUNDS); round += 1) {
      commands.forEach((command, index) => samples[index]!.push(timeOnce(command)));
    }
    UPLOAD_MODES.forEach((mode, index) => {
      const stackJson = join(work, `out-${files}-${mode}`, 'stacks', 'site', 'cdk.tf.json');
      rows[mode].push({ files, ms: median(samples[index]!), bytes: statSync(stackJson).size, refreshed: countRefreshed(readFileSync(stackJson, 'utf8')) });
    });
  }
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  say('| files | synth (objects) | synth (sync) | cdk.tf.json (objects) | cdk.tf.json (sync) | refreshed per plan (objects / sync) |');
  say('|---:|---:|---:|---:|---:|---:|');
  SITE_SIZES.forEach((files, i) => {
    const o = rows.objects[i]!;
    const y = rows.sync[i]!;
    say(`| ${count(files)} | ${ms(o.ms)} | ${ms(y.ms)} | ${kb(o.bytes)} | ${kb(y.bytes)} | ${count(o.refreshed)} / ${count(y.refreshed)} |`);
  });
  say();
  const timeFit = {} as Record<UploadMode, { intercept: number; slope: number }>;
  const sizeFit = {} as Record<UploadMode, { intercept: number; slope: number }>;
  for (const mode of UPLOAD_MODES) {
    timeFit[mode] = fitLine(rows[mode].map((r) => ({ x: r.files, y: r.ms })));
    sizeFit[mode] = fitLine(rows[mode].map((r) => ({ x: r.files, y: r.bytes })));
    say(
      `Least-squares fit, \`${mode}\`: ${timeFit[mode].intercept.toFixed(0)} ms + ${timeFit[mode].slope.toFixed(3)} ms per file; cdk.tf.json ${kb(sizeFit[mode].intercept)} + ${sizeFit[mode].slope.toFixed(0)} bytes per file.`,
    );
  }
  for (const mode of UPLOAD_MODES) {
    const thousand = rows[mode].find((r) => r.files === 1000);
    const tenThousand = rows[mode].find((r) => r.files === 10000);
    if (thousand && tenThousand) {
      const ratio = tenThousand.ms / thousand.ms;
      say(
        `\`${mode}\`: 10,000 files take ${ratio.toFixed(1)}x the time of 1,000 (budget: under ${BUDGET.scaleRatio10k}x): ${verdict(ratio < BUDGET.scaleRatio10k)}; cdk.tf.json grows ${(tenThousand.bytes / thousand.bytes).toFixed(1)}x for 10x the files.`,
      );
    }
  }
  say();

  // Where 'sync' gets cheaper, from the fitted lines; and where 'objects' starts to cost something that matters.
  say('### Cross-over');
  say();
  const timeCross = crossOver(timeFit.objects, timeFit.sync);
  const sizeCross = crossOver(sizeFit.objects, sizeFit.sync);
  const describe = (x: number | undefined, what: string) =>
    x === undefined
      ? `\`sync\` is not cheaper per file in ${what}`
      : x < SITE_SIZES[0]!
        ? `\`sync\` is cheaper in ${what} at every measured size (lines cross at ${count(x)} files)`
        : `\`sync\` is cheaper in ${what} above ~${count(x)} files`;
  say(`- ${describe(timeCross, 'synth time')}; ${describe(sizeCross, 'cdk.tf.json size')}.`);
  const extraMsPerFile = timeFit.objects.slope - timeFit.sync.slope;
  const extraBytesPerFile = sizeFit.objects.slope - sizeFit.sync.slope;
  // What "costs something" means here: a second more per synth, or a megabyte more of cdk.tf.json to read, diff and store.
  const secondAt = extraMsPerFile > 0 ? (1000 + timeFit.sync.intercept - timeFit.objects.intercept) / extraMsPerFile : Infinity;
  const megabyteAt = extraBytesPerFile > 0 ? (2 ** 20 + sizeFit.sync.intercept - sizeFit.objects.intercept) / extraBytesPerFile : Infinity;
  say(
    `- \`objects\` costs ${extraMsPerFile.toFixed(2)} ms of synth and ${count(extraBytesPerFile)} bytes of cdk.tf.json more than \`sync\` per file: a second more per synth at ~${count(secondAt)} files, 1 MB more cdk.tf.json at ~${count(megabyteAt)} files.`,
  );
  // Plan-time refresh: counted from the synthesized resources; the time is an estimate (no AWS account here).
  const shared = rows.sync[0]!.refreshed - 1; // everything but the terraform_data
  const largest = rows.objects.at(-1)!;
  const requestsPerObject = 2; // HeadObject + GetObjectTagging per aws_s3_object refresh
  const planSeconds = (largest.files * requestsPerObject * 0.05) / 10; // 50 ms a request, Terraform's default -parallelism=10
  say(
    `- Every \`terraform plan\` refreshes every resource: \`objects\` ${count(shared)} + N (N = files), \`sync\` ${count(shared)} + 1, whatever N. At ${count(largest.files)} files that is ${count(largest.refreshed)} against ${count(rows.sync.at(-1)!.refreshed)} resources; estimated (not measured: no AWS account) ~${count(largest.files * requestsPerObject)} S3 requests and ~${count(planSeconds)} s per plan for \`objects\` at ${requestsPerObject} requests an object, 50 ms each, 10 in parallel; none for the \`terraform_data\`. State grows by ~1.5 KB an object.`,
  );
  const threshold = roundUpNice(Math.max(Math.min(secondAt, megabyteAt), timeCross ?? 0, sizeCross ?? 0));
  say(
    `- **Recommendation: switch to \`upload: 'sync'\` above ~${count(threshold)} files**: the size at which \`objects\` adds a second of synth or a megabyte of cdk.tf.json (whichever comes first, rounded up; never below the cross-overs); its plans then refresh that many S3 objects each time. Below it, \`objects\` keeps per-file plan diffs and needs nothing but Terraform; \`sync\` needs the AWS CLI v2 and a POSIX shell where Terraform runs, and uploads every file again when any changes.`,
  );
  say();

  const svg = logXPlot({
    title: 'StaticSite synth time against site size',
    xLabel: 'files in the site directory (log scale)',
    yLabel: 'synth time (s)',
    series: [
      { name: "upload: 'objects' (aws_s3_object per file)", color: '#0b6bcb', points: rows.objects.map((r) => ({ x: r.files, y: r.ms / 1000 })) },
      { name: "upload: 'sync' (one terraform_data)", color: '#d9480f', points: rows.sync.map((r) => ({ x: r.files, y: r.ms / 1000 })) },
    ],
  });
  writeFileSync(join(ROOT, 'bench', 'synth-scale.svg'), svg);
  say('![synth time against site size](synth-scale.svg)');
  say();
  rmSync(work, { recursive: true, force: true });
}

function benchTests(): void {
  say('## Tests: wall time of the test command on this machine');
  say();
  say('| part | wall time | budget | |');
  say('|---|---:|---:|---|');
  const run = (label: string, command: string, commandArgs: string[], budgetSeconds?: number) => {
    const started = performance.now();
    const result = spawnSync(command, commandArgs, { cwd: ROOT, env: { ...process.env, CHECKPOINT_DISABLE: '1' }, stdio: 'ignore' });
    const seconds = (performance.now() - started) / 1000;
    const status = result.status === 0 ? '' : ' (FAILED)';
    const budget = budgetSeconds === undefined ? '' : `${budgetSeconds} s`;
    const ok = budgetSeconds === undefined ? '' : verdict(seconds <= budgetSeconds);
    say(`| ${label}${status} | ${seconds.toFixed(1)} s | ${budget} | ${ok} |`);
  };
  run('type-check (`tsc --noEmit`)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
  run('unit suite (`jest --selectProjects unit`)', 'npx', ['jest', '--selectProjects', 'unit'], BUDGET.unitSuiteSeconds);
  run('integration suite (dynalite, child processes, npm pack)', 'npx', ['jest', '--selectProjects', 'integration']);
  run('browser suite (headless Chromium)', 'npx', ['jest', '--selectProjects', 'browser']);
  run('terraform suite (real Terraform + AWS provider, cached; local AWS)', 'npx', ['jest', '--selectProjects', 'terraform']);
  say();
}

function benchHandler(): void {
  say('## Contact handler');
  say();
  execFileSync(process.execPath, ['--require', 'tsx/cjs', join(ROOT, 'bench', 'handler-bench.ts')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const report = readFileSync(join(ROOT, 'bench', 'handler-results.md'), 'utf8');
  const table = report.split('\n').filter((row) => row.startsWith('|'));
  for (const row of table) say(row);
  say();
  say('Details and the SDK decision: [handler-results.md](handler-results.md).');
  say();
}

/** The previous results.md, read before this run writes a new one. */
const previousResults = existsSync(join(ROOT, 'bench', 'results.md')) ? readFileSync(join(ROOT, 'bench', 'results.md'), 'utf8') : '';

/**
 * A section this run skips keeps its text from the previous results.md, marked as such, so that results.md
 * always holds every section; none if it had none.
 */
function carryOver(heading: string, flag: string): void {
  const start = previousResults.split('\n').findIndex((line) => line.startsWith(heading));
  if (start < 0) return;
  const rest = previousResults.split('\n').slice(start);
  const end = rest.findIndex((line, index) => index > 0 && line.startsWith('## '));
  const section = end < 0 ? rest : rest.slice(0, end);
  // A section carried over before keeps the date it was measured on.
  const earlierNote = section.find((line) => line.startsWith('_Not measured in this run'));
  const text = section.filter((line) => line !== earlierNote);
  say(text[0]!);
  say();
  const measured = /\((\d{4}-\d{2}-\d{2})\)/.exec(earlierNote ?? '')?.[1] ?? /Measured by `[^`]+` on (\d{4}-\d{2}-\d{2})/.exec(previousResults)?.[1];
  const carried = text.slice(1);
  while (carried[0] === '') carried.shift();
  say(`_Not measured in this run (\`${flag}\`): as measured by an earlier \`npm run bench\`${measured ? ` (${measured})` : ''} on this machine._`);
  say();
  for (const line of carried) lines.push(line);
  while (lines.at(-1) === '') lines.pop();
  say();
}

function main(): void {
  const started = new Date();
  say('# Benchmarks');
  say();
  say(
    `Measured by \`npm run bench${QUICK ? ' -- --quick' : ''}\` on ${started.toISOString().slice(0, 10)}: ${cpus().length} x ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, cdktf ${versionOf('cdktf')}, @cdktf/provider-aws ${versionOf('@cdktf/provider-aws')}, esbuild ${versionOf('esbuild')}.`,
  );
  say('Timings on this shared machine are noisy; the verdicts use ratios measured in the same run.');
  say();
  benchSynth();
  const skipped: string[] = [];
  const section = (flag: string, heading: string, run: () => void) => {
    if (!args.has(flag)) return run();
    skipped.push(heading);
    carryOver(heading, flag);
  };
  section('--skip-cdktn', '## Synth on CDK Terrain', benchCdktn);
  section('--skip-scale', '## Scale:', benchScale);
  section('--skip-tests', '## Tests:', benchTests);
  if (existsSync(join(ROOT, 'bench', 'handler-bench.ts'))) section('--skip-handler', '## Contact handler', benchHandler);
  writeFileSync(join(ROOT, 'bench', 'results.md'), `${lines.join('\n')}\n`);
  console.log(
    `\nWrote bench/results.md${skipped.includes('## Scale:') ? '' : ' and bench/synth-scale.svg'} in ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s.`,
  );
}

main();
