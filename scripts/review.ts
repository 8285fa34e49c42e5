/**
 * `npm run review -- [options]`: the Markdown review of the synthesized stack for a pull request.
 * See `--help` and the README's "Plan review" section.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { checkovFiles, checkStack } from '../checks';
import { buildReview } from '../review';
import { findSecrets } from '../review/secrets';
import { APP_NODE_ARGS } from './app-command';

const USAGE = `Usage: npm run review -- [options]

Writes a Markdown review of the synthesized stack: resources by type, outputs, policy checks, IAM
permissions, the handler zip; with --plan also what terraform plan will create, update, replace and destroy.

  --stack-dir <dir>  an already synthesized stack folder (cdk.tf.json + assets/); no synthesis
                     (default: synthesize main.ts into cdktf.out/ first, then read cdktf.out/stacks/<stack>)
  --stack <name>     the stack to read under cdktf.out/stacks/ (default: contact-site)
  --plan <file>      JSON of the stack's plan: terraform show -json tfplan > plan.json
  --out <file>       write the report to <file> (default: standard output)
  --max-chars <n>    longest report, in characters (default 65000: a GitHub comment holds 65,536);
                     over it, created resources are counted instead of listed, then the report is cut
  --strict           exit 1 when a policy check fails, a stateful resource is replaced or destroyed,
                     or a Lambda zip does not match its source_code_hash
  --checkov-config <file>
                     instead of the report, write a checkov config file that skips the checkov checks
                     the constructs suppress by design (each with its reasons), and beside it
                     <file>.tf.json, the stack as checkov 3.3 can parse it; then run, from this folder:
                     checkov --config-file <file>
  -h, --help         this text

Exit codes: 0 report written, 1 findings with --strict, 2 usage or input error,
3 the report would contain something that looks like a credential (nothing is written).
`;

export interface ReviewOptions {
  stackDir?: string;
  stack: string;
  plan?: string;
  out?: string;
  maxChars: number;
  strict: boolean;
  checkovConfig?: string;
  help: boolean;
}

export function parseArgs(argv: readonly string[]): ReviewOptions {
  const options: ReviewOptions = { stack: 'contact-site', maxChars: 65_000, strict: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined || next === '') throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--stack-dir':
        options.stackDir = value();
        break;
      case '--stack':
        options.stack = value();
        break;
      case '--plan':
        options.plan = value();
        break;
      case '--out':
        options.out = value();
        break;
      case '--max-chars': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1000) throw new UsageError('--max-chars needs a whole number of at least 1000');
        options.maxChars = n;
        break;
      }
      case '--strict':
        options.strict = true;
        break;
      case '--checkov-config':
        options.checkovConfig = value();
        break;
      case '-h':
      case '--help':
        options.help = true;
        break;
      default:
        throw new UsageError(`unknown argument ${arg}`);
    }
  }
  if (options.checkovConfig !== undefined && (options.plan !== undefined || options.out !== undefined || options.strict)) {
    throw new UsageError('--checkov-config writes the checkov files instead of the report: it does not take --plan, --out or --strict');
  }
  return options;
}

class UsageError extends Error {}

/** The project root: the folder holding main.ts (this file is scripts/review.ts). */
const PROJECT_ROOT = resolve(__dirname, '..');

function synthesize(): void {
  // The same command as cdktf.json's "app"; settings come from the environment as for `cdktf synth`.
  execFileSync(process.execPath, [...APP_NODE_ARGS], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export function run(argv: readonly string[]): number {
  let options: ReviewOptions;
  try {
    options = parseArgs(argv);
  } catch (error) {
    process.stderr.write(`review: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let stackDir: string;
  if (options.stackDir !== undefined) {
    stackDir = resolve(options.stackDir);
  } else {
    synthesize();
    stackDir = join(PROJECT_ROOT, 'cdktf.out', 'stacks', options.stack);
  }
  const stackFile = join(stackDir, 'cdk.tf.json');
  if (!existsSync(stackFile)) {
    process.stderr.write(`review: ${stackFile} not found (synthesize first, or check --stack-dir / --stack)\n`);
    return 2;
  }
  let plan: unknown;
  if (options.plan !== undefined) {
    try {
      plan = JSON.parse(readFileSync(options.plan, 'utf8'));
    } catch (error) {
      process.stderr.write(`review: cannot read the plan ${options.plan}: ${(error as Error).message}\n`);
      return 2;
    }
  }
  const json = readFileSync(stackFile, 'utf8');
  if (options.checkovConfig !== undefined) return writeCheckovConfig(json, options.checkovConfig);
  const readAsset = (path: string): Uint8Array | undefined => {
    const file = resolve(stackDir, path);
    // Only files inside the stack folder: the path comes from the document under review.
    const inside = relative(stackDir, file);
    if (inside.startsWith('..') || isAbsolute(inside)) return undefined;
    return existsSync(file) ? readFileSync(file) : undefined;
  };
  let review;
  try {
    review = buildReview({ stack: json, checks: checkStack(json), readAsset, plan, planName: options.plan?.split(/[\\/]/).pop(), maxLength: options.maxChars });
  } catch (error) {
    process.stderr.write(`review: ${(error as Error).message}\n`);
    return 2;
  }
  const leaks = findSecrets(review.markdown, 'review.md');
  if (leaks.length > 0) {
    process.stderr.write(
      `review: the report would contain ${leaks.length} credential-like value(s); not written:\n` +
        leaks.map((f) => `  line ${f.line}: ${f.rule} ${f.redacted}\n`).join(''),
    );
    return 3;
  }
  if (options.out !== undefined) {
    mkdirSync(dirname(resolve(options.out)), { recursive: true });
    writeFileSync(options.out, review.markdown);
    process.stderr.write(`review: wrote ${options.out}${review.warnings.length > 0 ? ` (${review.warnings.length} warning(s))` : ''}\n`);
  } else {
    process.stdout.write(review.markdown);
  }
  for (const warning of review.warnings) process.stderr.write(`review: warning: ${warning}\n`);
  return options.strict && review.warnings.length > 0 ? 1 : 0;
}

/** `--checkov-config`: the config file, and the stack copy it names (relative to the current folder, where checkov is to run). */
function writeCheckovConfig(json: string, configFile: string): number {
  // `npm run` starts scripts in the package folder; INIT_CWD is the folder the user ran it from.
  const userFolder = process.env.INIT_CWD ?? process.cwd();
  const configPath = resolve(userFolder, configFile);
  const inputPath = configPath.replace(/(\.ya?ml)?$/i, '.tf.json');
  const inputFile = relative(userFolder, inputPath).split(sep).join('/');
  let files;
  try {
    files = checkovFiles(json, { inputFile });
  } catch (error) {
    process.stderr.write(`review: ${(error as Error).message}\n`);
    return 2;
  }
  mkdirSync(dirname(configPath), { recursive: true });
  writeFileSync(inputPath, files.input);
  writeFileSync(configPath, files.config);
  process.stderr.write(
    `review: wrote ${configFile} (${files.skips.length} checkov check(s) skipped by design) and ${inputFile}; run: checkov --config-file ${configFile}\n`,
  );
  return 0;
}

if (require.main === module) process.exitCode = run(process.argv.slice(2));
