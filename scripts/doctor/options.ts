/** The command line of `npm run doctor`: its options and the usage text. */
import { Resolver } from 'node:dns';
import { parseArgs as parseCommandLine } from 'node:util';

export const DEFAULT_STACK_DIR = 'cdktf.out/stacks/contact-site';
/** Route 53's negative answers are cached for up to 15 minutes (its SOA's TTL, 900 s): a first deploy's names can take that long. */
export const DEFAULT_WAIT_SECONDS = 900;
export const DEFAULT_TIMEOUT_SECONDS = 15;

export const USAGE = `Usage: npm run doctor -- [options]

Checks a deployed site and its contact API the way a browser sees them (DNS, TLS, HTTP; no AWS
credentials), layer by layer, and says for each failure its likely cause and the fix.

What to check (default: the example's stack, ${DEFAULT_STACK_DIR}, deployed from here):
  --stack-dir <dir>     a synthesized, deployed stack folder: the URLs are its Terraform outputs (the local
                        state file its backend names, else terraform output -json in <dir>), the names its
                        distribution's aliases
  --outputs-file <file> the file of cdktf deploy --outputs-file (with --stack-dir or the default, the names
                        still come from the stack)
  --url <url>           the site, e.g. https://www.example.com, instead of a stack
  --api <url>           the contact endpoint (default: the one the site's /config.json names)
  --redirect <name>     a name that should answer 301 to the site (repeat, or a comma-separated list)

How:
  --dns-server <addr>   resolve with this DNS server (1.1.1.1, 127.0.0.1:5353) instead of the system's
  --wait                retry the DNS and TLS checks with backoff until they pass (a first deploy takes
                        minutes to propagate), printing what it waits for
  --wait-max <seconds>  how long --wait waits at most (default ${DEFAULT_WAIT_SECONDS})
  --timeout <seconds>   for each request (default ${DEFAULT_TIMEOUT_SECONDS})
  --submit              also send one real message, marked as a test, and print its id (the only
                        check that stores anything)
  --json                the results as JSON on standard output (for CI)
  -h, --help            this text

Exit codes: 0 every check passed (some may be skipped, each says why), 1 a check failed,
2 bad command line, 3 nothing to check (no stack, not deployed, no URL output).
`;

export interface DoctorOptions {
  readonly stackDir?: string;
  readonly outputsFile?: string;
  readonly url?: string;
  readonly api?: string;
  readonly redirectNames: readonly string[];
  readonly dnsServers: readonly string[];
  readonly wait: boolean;
  readonly waitMaxSeconds: number;
  readonly timeoutSeconds: number;
  readonly submit: boolean;
  readonly json: boolean;
  readonly help: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseArgs(argv: readonly string[]): DoctorOptions {
  let parsed;
  try {
    parsed = parseCommandLine({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'stack-dir': { type: 'string' },
        'outputs-file': { type: 'string' },
        url: { type: 'string' },
        api: { type: 'string' },
        redirect: { type: 'string', multiple: true },
        'dns-server': { type: 'string', multiple: true },
        wait: { type: 'boolean' },
        'wait-max': { type: 'string' },
        timeout: { type: 'string' },
        submit: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!);
  }
  const values = parsed.values;
  for (const [name, value] of Object.entries(values)) {
    if (value === '' || (Array.isArray(value) && value.includes(''))) throw new UsageError(`--${name} needs a value`);
  }
  if (values.url !== undefined && (values['stack-dir'] !== undefined || values['outputs-file'] !== undefined)) {
    throw new UsageError('give --url, or --stack-dir/--outputs-file, not both');
  }
  if (values.url !== undefined) checkUrl('--url', values.url);
  if (values.api !== undefined) checkUrl('--api', values.api);
  const list = (values: readonly string[] | undefined) =>
    (values ?? []).flatMap((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    );
  const redirectNames = list(values.redirect).map((name) => name.toLowerCase());
  for (const name of redirectNames) {
    if (!/^[a-z0-9.-]+$/.test(name)) throw new UsageError(`--redirect takes host names (example.com), not "${name}"`);
  }
  const dnsServers = list(values['dns-server']);
  try {
    new Resolver().setServers(dnsServers);
  } catch {
    throw new UsageError(`--dns-server takes an IP address with an optional port (1.1.1.1, 127.0.0.1:5353, [::1]:53), not "${dnsServers.join(',')}"`);
  }
  return {
    stackDir: values['stack-dir'],
    outputsFile: values['outputs-file'],
    url: values.url,
    api: values.api,
    redirectNames,
    dnsServers,
    wait: values.wait ?? false,
    waitMaxSeconds: seconds('--wait-max', values['wait-max'], DEFAULT_WAIT_SECONDS),
    timeoutSeconds: seconds('--timeout', values.timeout, DEFAULT_TIMEOUT_SECONDS),
    submit: values.submit ?? false,
    json: values.json ?? false,
    help: values.help ?? false,
  };
}

function checkUrl(flag: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} takes a URL like https://www.example.com, not "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UsageError(`${flag} takes an https:// (or, for a local preview, http://) URL, not "${value}"`);
  if (url.username !== '' || url.password !== '') throw new UsageError(`${flag} takes a URL without a user name or password`);
}

function seconds(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+(?:\.\d+)?$/.test(value) || !(n > 0) || n > 86_400) throw new UsageError(`${flag} takes a number of seconds (1 to 86400), not "${value}"`);
  return n;
}
