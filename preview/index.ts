import { resolve } from 'node:path';
import { PortInUseError } from './net';
import { startPreview, type Preview } from './preview';

/**
 * `npm run preview [-- options]`: synthesizes the example stack, then serves it locally from
 * cdk.tf.json and the built zip. No AWS account, no network.
 */
const USAGE = `Usage: npm run preview -- [options]

  --site-port <n>   port of the site        (env PREVIEW_SITE_PORT, default 8080)
  --api-port <n>    port of the API         (env PREVIEW_API_PORT,  default 8081)
  --data-dir <dir>  DynamoDB data on disk   (env PREVIEW_DATA_DIR,  default .preview-data)
  --in-memory       keep no data on disk
  --out-dir <dir>   cdktf output folder     (env PREVIEW_OUT_DIR,   default cdktf.out)
  --no-synth        serve the output folder as it is, without synthesizing first
  --verbose         also print the handler's log lines (errors are always printed)
  --help
`;

interface CliOptions {
  sitePort: number;
  apiPort: number;
  dataDir?: string;
  outDir: string;
  synth: boolean;
  verbose: boolean;
}

function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions | 'help' {
  const port = (value: string | undefined, name: string, fallback: number): number => {
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number (0-65535), got "${value}"`);
    return n;
  };
  const options: CliOptions = {
    sitePort: port(env.PREVIEW_SITE_PORT, 'PREVIEW_SITE_PORT', 8080),
    apiPort: port(env.PREVIEW_API_PORT, 'PREVIEW_API_PORT', 8081),
    dataDir: env.PREVIEW_DATA_DIR || '.preview-data',
    outDir: env.PREVIEW_OUT_DIR || 'cdktf.out',
    synth: true,
    verbose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--site-port':
        options.sitePort = port(value(), '--site-port', 8080);
        break;
      case '--api-port':
        options.apiPort = port(value(), '--api-port', 8081);
        break;
      case '--data-dir':
        options.dataDir = value();
        break;
      case '--out-dir':
        options.outDir = value() ?? 'cdktf.out';
        break;
      case '--in-memory':
        options.dataDir = undefined;
        break;
      case '--no-synth':
        options.synth = false;
        break;
      case '--verbose':
        options.verbose = true;
        break;
      case '--help':
      case '-h':
        return 'help';
      default:
        throw new Error(`unknown option ${arg}\n\n${USAGE}`);
    }
  }
  return options;
}

function portHelp(error: PortInUseError): string {
  const flag = error.role === 'site' ? '--site-port' : error.role === 'API' ? '--api-port' : undefined;
  const envName = error.role === 'site' ? 'PREVIEW_SITE_PORT' : error.role === 'API' ? 'PREVIEW_API_PORT' : undefined;
  const lines = [`${error.message}: another process is listening there (see it with: lsof -i :${error.port} or ss -ltnp).`];
  if (flag && envName) {
    lines.push(`Stop that process, or choose another port: npm run preview -- ${flag} ${error.port + 10}   (or ${envName}=${error.port + 10} npm run preview)`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  let options: CliOptions | 'help';
  try {
    options = parseArgs(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`preview: ${(error as Error).message}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const { verbose } = options;
  // The local DynamoDB client would otherwise warn about the Node version on every start.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  console.log(options.synth ? 'Synthesizing the example stack…' : `Serving ${options.outDir} as it is (--no-synth)…`);
  let preview: Preview;
  try {
    preview = await startPreview({
      sitePort: options.sitePort,
      apiPort: options.apiPort,
      dataDir: options.dataDir === undefined ? undefined : resolve(options.dataDir),
      synth: options.synth,
      outDir: resolve(options.outDir),
      onRequest: (e) => console.log(`${e.method} ${e.path} ${e.status} ${e.ms}ms${e.errorType ? ` (${e.errorType})` : ''}`),
      onFunctionLog: (line) => {
        if (verbose || /"level":"error"|^\S*Error\b/.test(line)) console.log(`  handler: ${line}`);
      },
      onNotification: (n) => console.log(`notify: would send "${n.subject}" (id ${n.id ?? '?'})${verbose ? `\n${n.message.replace(/^/gm, '  | ')}` : ''}`),
    });
  } catch (error) {
    console.error(error instanceof PortInUseError ? portHelp(error) : (error as Error).message);
    process.exitCode = 1;
    return;
  }

  console.log(`
  Site:     ${preview.siteUrl}/            (open ${preview.siteUrl}/contact.html)
  API:      ${preview.contactEndpoint}
  DynamoDB: ${preview.dynamoEndpoint}  table ${preview.tableName}  ${options.dataDir ? `data in ${options.dataDir}` : 'in memory'}

Served from ${preview.stackDir} (cdk.tf.json + assets). Ctrl-C stops.
`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    preview.stop().then(
      () => {
        console.log('Stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`preview: error while stopping: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
