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
  say(`| \`node lib/main.js\` (compiled) | ${ms(compiled.subjectMs)} | ${ms(compiled.baselineMs)} | ${compiled.ratio.toFixed(2)} | ${BUDGET.compiledRatio} | ${verdict(compiled.ratio <= BUDGET.compiledRatio)} |`);
  say(`| \`cdktf synth\` (app: \`${cdktfJson.app}\`) | ${ms(cli.subjectMs)} | ${ms(cli.baselineMs)} | ${cli.ratio.toFixed(2)} | ${BUDGET.cliRatio} | ${verdict(cli.ratio <= BUDGET.cliRatio)} |`);
  say();
  say(`Medians of ${ROUNDS} (compiled) and ${CLI_ROUNDS} (CLI) alternating rounds after a warm-up; the handler zip comes from the synth cache after the first round.`);
  say();
  rmSync(work, { recursive: true, force: true });
  rmSync(emptyProject, { recursive: true, force: true });
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

function benchScale(): void {
  say('## Scale: synth time and cdk.tf.json size against the number of site files');
  say();
  const work = scratch('bench-scale-');
  const rows: { files: number; ms: number; bytes: number }[] = [];
  for (const files of SITE_SIZES) {
    const siteDir = join(work, `site-${files}`);
    generateSite(siteDir, files);
    const outDir = join(work, `out-${files}`);
    const command: Command = {
      label: `site of ${files}`,
      command: process.execPath,
      args: ['--require', 'tsx/cjs', join(ROOT, 'bench', 'apps', 'site-app.ts')],
      cwd: work,
      env: { BENCH_SITE_DIR: siteDir, BENCH_OUTDIR: outDir },
    };
    const samples = Array.from({ length: files >= 10000 ? CLI_ROUNDS : ROUNDS }, () => timeOnce(command));
    rows.push({ files, ms: median(samples), bytes: statSync(join(outDir, 'stacks', 'site', 'cdk.tf.json')).size });
  }
  const line = fitLine(rows.map((r) => ({ x: r.files, y: r.ms })));
  say('| files | synth | cdk.tf.json | per file (over 10 files) |');
  say('|---:|---:|---:|---:|');
  for (const row of rows) {
    const perFile = row.files > 10 ? `${((row.ms - rows[0]!.ms) / (row.files - rows[0]!.files)).toFixed(2)} ms` : '';
    say(`| ${row.files.toLocaleString('en-US')} | ${ms(row.ms)} | ${(row.bytes / 1024).toFixed(0)} KB | ${perFile} |`);
  }
  say();
  say(`Least-squares fit: ${line.intercept.toFixed(0)} ms + ${line.slope.toFixed(3)} ms per file.`);
  const thousand = rows.find((r) => r.files === 1000);
  const tenThousand = rows.find((r) => r.files === 10000);
  if (thousand && tenThousand) {
    const ratio = tenThousand.ms / thousand.ms;
    say(`10,000 files take ${ratio.toFixed(1)}x the time of 1,000 (budget: under ${BUDGET.scaleRatio10k}x): ${verdict(ratio < BUDGET.scaleRatio10k)}; cdk.tf.json grows ${(tenThousand.bytes / thousand.bytes).toFixed(1)}x for 10x the files.`);
  }
  say();
  const svg = logXPlot({
    title: 'StaticSite synth time against site size',
    xLabel: 'files in the site directory (log scale)',
    yLabel: 'synth time (s)',
    series: [{ name: 'aws_s3_object per file', color: '#0b6bcb', points: rows.map((r) => ({ x: r.files, y: r.ms / 1000 })) }],
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
  say(`Measured by \`npm run bench${QUICK ? ' -- --quick' : ''}\` on ${started.toISOString().slice(0, 10)}: ${cpus().length} x ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, cdktf ${versionOf('cdktf')}, @cdktf/provider-aws ${versionOf('@cdktf/provider-aws')}, esbuild ${versionOf('esbuild')}.`);
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
