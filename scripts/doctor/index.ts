/**
 * `npm run doctor`: find what to check, run the layers in order (DNS, TLS, CloudFront + S3, security headers,
 * CORS, API + Lambda), with --wait retry the DNS and TLS layers with backoff first, and print the results.
 * `run` is the whole command; its network and clock can be given (tests).
 */
import { resolve } from 'node:path';
import { processCliIo, type CliIo } from '../cli-io';
import { checkApi } from './api';
import { createContext, type DoctorContext } from './context';
import { checkCors } from './cors';
import { checkDns } from './dns';
import { checkHeaders } from './headers';
import { createNetwork, type Network } from './net';
import { parseArgs, USAGE, UsageError, type DoctorOptions } from './options';
import { formatJson, formatText, type CheckResult, type Subject } from './report';
import { checkSite } from './site';
import { findTarget, TargetError, type Target } from './target';
import { checkTls } from './tls';

export const EXIT = { ok: 0, failed: 1, usage: 2, target: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The project root (this file is scripts/doctor/index.ts): the default stack folder is under it. */
const PROJECT_ROOT = resolve(__dirname, '..', '..');

export interface Io extends CliIo {
  readonly sleep: (ms: number) => Promise<void>;
  /** The network as built from the options; tests give their own resolver or CA. */
  readonly network?: (options: DoctorOptions) => Network;
  /** First pause of --wait; it doubles up to a minute. */
  readonly firstRetryMs?: number;
}

const processIo = (): Io => ({ ...processCliIo(), sleep: (ms) => new Promise((done) => setTimeout(done, ms)) });

export async function run(argv: readonly string[], io: Io = processIo()): Promise<ExitCode> {
  let options: DoctorOptions;
  let target: Target;
  try {
    options = parseArgs(argv);
    if (options.help) {
      io.stdout.write(USAGE);
      return EXIT.ok;
    }
    target = findTarget(options, io.cwd, PROJECT_ROOT);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`doctor: ${error.message} (see --help)\n`);
      return EXIT.usage;
    }
    if (error instanceof TargetError) {
      io.stderr.write(`doctor: ${error.message}\n`);
      return EXIT.target;
    }
    throw error;
  }
  const network = io.network?.(options) ?? createNetwork({ dnsServers: options.dnsServers, timeoutMs: options.timeoutSeconds * 1000 });
  const ctx = createContext(target, network, { now: io.now, submit: options.submit });
  const results = await runChecks(ctx, options, io);
  const subject: Subject = {
    site: target.site.href.replace(/\/$/, ''),
    api: ctx.api?.href,
    names: [target.site.hostname, ...target.redirectNames],
    source: target.source,
  };
  io.stdout.write(options.json ? formatJson(subject, results) : formatText(subject, results));
  return results.some((r) => r.status === 'fail') ? EXIT.failed : EXIT.ok;
}

export async function runChecks(ctx: DoctorContext, options: Pick<DoctorOptions, 'wait' | 'waitMaxSeconds'>, io: Io): Promise<CheckResult[]> {
  const first = await waitFor(ctx, options, io);
  const rest: CheckResult[] = [];
  for (const layer of [checkSite, checkHeaders, checkCors, checkApi]) rest.push(...(await layer(ctx)));
  return [...first, ...rest];
}

const MAX_RETRY_MS = 60_000;

/** The DNS and TLS layers; with --wait, again with backoff while any fails, until they pass or the time is up. */
export async function waitFor(ctx: DoctorContext, options: Pick<DoctorOptions, 'wait' | 'waitMaxSeconds'>, io: Io): Promise<CheckResult[]> {
  const started = io.now().getTime();
  const deadline = started + options.waitMaxSeconds * 1000;
  let pause = io.firstRetryMs ?? 2000;
  for (let attempt = 1; ; attempt++) {
    const results = [...(await checkDns(ctx)), ...(await checkTls(ctx))];
    const failing = results.filter((r) => r.status === 'fail');
    if (failing.length === 0 || !options.wait) return results;
    const left = deadline - io.now().getTime();
    if (left <= 0) {
      io.stderr.write(`doctor: stopped waiting after ${duration(io.now().getTime() - started)} (--wait-max ${options.waitMaxSeconds})\n`);
      return results;
    }
    const next = Math.min(pause, left);
    const what = failing.map((r) => `${r.check} (${r.detail})`).join('; ');
    io.stderr.write(`doctor: waiting for ${what}: attempt ${attempt}, next in ${duration(next)}, ${duration(left)} left\n`);
    await io.sleep(next);
    pause = Math.min(pause * 2, MAX_RETRY_MS);
  }
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
