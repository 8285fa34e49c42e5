/**
 * `npm run bench`: the project's benchmarks, measured side by side in one run and reported as ratios so
 * that a busy machine does not change the verdict. Prints a table and writes bench/results.md and
 * bench/synth-scale.svg. Not a test: nothing here fails the build.
 *
 * Options: --quick (fewer rounds, sites up to 1,000 files), --skip-tests, --skip-handler.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { appNodeArgsFor } from '../scripts/app-command';
import { Command, compare, fitLine, median, timeOnce } from './measure';
import { logXPlot } from './plot';

const ROOT = resolve(__dirname, '..');
const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
const ROUNDS = QUICK ? 3 : 7;
const CLI_ROUNDS = QUICK ? 1 : 3;
const SITE_SIZES = QUICK ? [10, 100, 1000] : [10, 100, 1000, 10000];
const BUDGET = { compiledRatio: 1.3, cliRatio: 1.15, scaleRatio10k: 10, unitSuiteSeconds: 30 };

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

function benchSynth(): void {
  say('## Synth: the example stack against an empty stack with only the AWS provider');
  say();
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const work = scratch('bench-synth-');
  const compiled = compare(
    { label: 'example (compiled)', command: process.execPath, args: [join(ROOT, 'lib', 'main.js')], cwd: work },
    { label: 'empty (compiled)', command: process.execPath, args: [join(ROOT, 'bench', 'apps', 'empty-app.js')], cwd: work },
    ROUNDS,
  );

  // `cdktf synth` of the project as users run it, against the same runner and CLI on the empty app.
  const emptyProject = scratch('bench-synth-cli-');
  cpSync(join(ROOT, 'bench', 'apps', 'empty-app.js'), join(emptyProject, 'empty-app.js'));
  cpSync(join(ROOT, 'scripts', 'no-source-maps.js'), join(emptyProject, 'scripts', 'no-source-maps.js')); // the runner's preload
  const cdktfJson = JSON.parse(readFileSync(join(ROOT, 'cdktf.json'), 'utf8'));
  writeFileSync(join(emptyProject, 'cdktf.json'), JSON.stringify({ ...cdktfJson, app: cdktfJson.app.replace('main.ts', 'empty-app.js') }));
  const cdktf = join(ROOT, 'node_modules', '.bin', 'cdktf');
  const cli = compare(
    { label: 'example (cdktf synth)', command: cdktf, args: ['synth'], cwd: ROOT, env: { CI: '1' } },
    { label: 'empty (cdktf synth)', command: cdktf, args: ['synth'], cwd: emptyProject, env: { CI: '1' } },
    CLI_ROUNDS,
  );
  say('| runner | example | empty stack | ratio | budget | |');
  say('|---|---:|---:|---:|---:|---|');
  say(
    `| \`node lib/main.js\` (compiled) | ${ms(compiled.subjectMs)} | ${ms(compiled.baselineMs)} | ${compiled.ratio.toFixed(2)} | ${BUDGET.compiledRatio} | ${verdict(compiled.ratio <= BUDGET.compiledRatio)} |`,
  );
  say(
    `| \`cdktf synth\` (app: \`${cdktfJson.app}\`) | ${ms(cli.subjectMs)} | ${ms(cli.baselineMs)} | ${cli.ratio.toFixed(2)} | ${BUDGET.cliRatio} | ${verdict(cli.ratio <= BUDGET.cliRatio)} |`,
  );
  say();
  say(
    `Medians of ${ROUNDS} (compiled) and ${CLI_ROUNDS} (CLI) alternating rounds after a warm-up; the handler zip comes from the synth cache after the first round.`,
  );
  say();
  benchSynthPhases(work, compiled.ratio);
  rmSync(work, { recursive: true, force: true });
  rmSync(emptyProject, { recursive: true, force: true });
}

const PHASES = [
  ['cdktf', "node start-up and `require('cdktf')`"],
  ['modules', "the app's other modules (example: constructs and the provider classes they use; empty: the provider)"],
  ['construct', 'building the construct tree'],
  ['synth', '`app.synth()`: token resolution, validation, writing cdktf.out'],
] as const;

/**
 * Where the compiled synth's time goes, timed inside the process (bench/apps/phases.js) in alternating
 * rounds: what the example adds over the empty stack, phase by phase, against the headroom the ratio
 * budget leaves.
 */
function benchSynthPhases(work: string, compiledRatio: number): void {
  const run = (which: 'example' | 'empty'): Record<string, number> => {
    const env = { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: join(work, `phases-${which}.out`) };
    const out = execFileSync(process.execPath, [join(ROOT, 'bench', 'apps', 'phases.js'), which], { cwd: work, env, encoding: 'utf8' });
    const marks = JSON.parse(out) as Record<string, number>;
    let previous = 0;
    return Object.fromEntries(
      PHASES.map(([phase]) => {
        const ms = marks[phase]! - previous;
        previous = marks[phase]!;
        return [phase, ms];
      }),
    );
  };
  run('example');
  run('empty');
  const samples = { example: [] as Record<string, number>[], empty: [] as Record<string, number>[] };
  for (let round = 0; round < ROUNDS; round += 1) {
    samples.example.push(run('example'));
    samples.empty.push(run('empty'));
  }
  const phaseMedian = (which: 'example' | 'empty', phase: string) => median(samples[which].map((sample) => sample[phase]!));
  say('Where the time goes, inside the process (medians of the same number of alternating rounds; process exit not included):');
  say();
  say('| phase | example | empty stack | example adds |');
  say('|---|---:|---:|---:|');
  let exampleTotal = 0;
  let emptyTotal = 0;
  for (const [phase, label] of PHASES) {
    const example = phaseMedian('example', phase);
    const empty = phaseMedian('empty', phase);
    exampleTotal += example;
    emptyTotal += empty;
    say(`| ${label} | ${ms(example)} | ${ms(empty)} | ${ms(example - empty)} |`);
  }
  say(`| total | ${ms(exampleTotal)} | ${ms(emptyTotal)} | ${ms(exampleTotal - emptyTotal)} |`);
  say();
  const headroom = (BUDGET.compiledRatio - 1) * emptyTotal;
  const extra = (phases: readonly string[]) => phases.reduce((sum, phase) => sum + phaseMedian('example', phase) - phaseMedian('empty', phase), 0);
  const loading = extra(['modules']);
  const building = extra(['construct', 'synth']);
  const blocks = countRefreshed(readFileSync(join(work, 'phases-example.out', 'stacks', 'contact-site', 'cdk.tf.json'), 'utf8'));
  const share = (part: number) => `${(part / headroom).toFixed(2)}x the headroom`;
  say(
    `A ${BUDGET.compiledRatio}x budget leaves the example ${ms(headroom)} more than the empty stack. Loading its modules takes ${ms(loading)} more (${share(loading)}); building and synthesizing its ${blocks} resources and data sources, ${ms(building)} more (${share(building)}) (cdktf captures a stack trace for every token, one per attribute reference, and resolves the whole tree twice). In-process ratio: ${(exampleTotal / emptyTotal).toFixed(2)} (${compiledRatio.toFixed(2)} as wall time).`,
  );
  say();
}

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
    for (let round = 0; round < (files >= 10000 ? CLI_ROUNDS : ROUNDS); round += 1) {
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
  benchScale();
  if (!args.has('--skip-tests')) benchTests();
  if (!args.has('--skip-handler') && existsSync(join(ROOT, 'bench', 'handler-bench.ts'))) benchHandler();
  writeFileSync(join(ROOT, 'bench', 'results.md'), `${lines.join('\n')}\n`);
  console.log(`\nWrote bench/results.md and bench/synth-scale.svg in ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s.`);
}

main();
