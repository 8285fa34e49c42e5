/**
 * The doctor's DNS checks against a DNS server on loopback that the test controls (no real DNS): A and AAAA,
 * a missing AAAA, a name that does not exist, a server that does not answer; and --wait, which asks again
 * with backoff until the names resolve (or its limit), saying what it waits for.
 */
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { createContext } from '../../scripts/doctor/context';
import { checkDns } from '../../scripts/doctor/dns';
import { waitFor, type Io } from '../../scripts/doctor/index';
import { createNetwork } from '../../scripts/doctor/net';
import type { CheckResult } from '../../scripts/doctor/report';
import { startTestDns, type TestDns } from '../support/doctor-dns';

let dns: TestDns;

beforeEach(async () => {
  dns = await startTestDns({ 'www.example.com': { A: ['192.0.2.10', '192.0.2.11'], AAAA: ['2001:db8::10'] } });
});
afterEach(() => dns.stop());

// The site is http:// (a local preview), so that the TLS layer is skipped and only DNS is asked.
function context(redirectNames: string[] = [], dnsServer = dns.server, timeoutMs = 3000) {
  const target = { site: new URL('http://www.example.com'), redirectNames, source: 'test' };
  return createContext(target, createNetwork({ dnsServers: [dnsServer], timeoutMs }));
}

test('a name with A and AAAA records passes and shows the addresses; every query went to the test server', async () => {
  const [result] = await checkDns(context());
  expect(result).toMatchObject({ status: 'pass', check: 'www.example.com resolves (A and AAAA)', detail: 'A 192.0.2.10 192.0.2.11, AAAA 2001:db8::10' });
  expect(dns.queries.sort()).toEqual(['A www.example.com', 'AAAA www.example.com']);
});

test('a redirect name without AAAA: fails, the alias record missing (IPv6 visitors cannot reach the site)', async () => {
  dns.set('example.com', { A: ['192.0.2.10'] });
  const results = await checkDns(context(['example.com']));
  expect(results.map((r) => r.status)).toEqual(['pass', 'fail']);
  expect(results[1]).toMatchObject({ check: 'example.com resolves (A and AAAA)', detail: 'A 192.0.2.10, no AAAA: the name exists but has no such record' });
  expect(results[1]!.cause).toMatch(/no AAAA record: the alias record is missing \(IPv6 visitors cannot reach the site\)/);
  expect(results[1]!.fix).toMatch(/make AAAA alias records for example.com/);
});

test('a name that does not exist (NXDOMAIN): fails, the zone not delegated (registrar name servers) as the cause', async () => {
  const results = await checkDns(context(['missing.example.com']));
  expect(results[1]).toMatchObject({ status: 'fail', detail: 'no A: the name does not exist (NXDOMAIN), no AAAA: the name does not exist (NXDOMAIN)' });
  expect(results[1]!.cause).toMatch(/registrar's name servers are not the zone's NS records/);
  expect(results[1]!.fix).toMatch(/dig NS example\.com/);
});

test('a DNS server that does not answer: fails as unreachable, not as a missing record', async () => {
  const silent = createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  try {
    const [result] = await checkDns(context([], `127.0.0.1:${(silent.address() as AddressInfo).port}`, 1000));
    expect(result!.status).toBe('fail');
    expect(result!.detail).toMatch(/no A: the DNS server did not answer/);
    expect(result!.cause).toMatch(/could not be asked/);
  } finally {
    silent.close();
  }
});

/** An Io whose sleep advances a fake clock and runs `onSleep` (the "propagation" happening meanwhile). */
function waitingIo(onSleep: (n: number) => void) {
  let now = Date.parse('2026-12-01T12:00:00Z');
  const stderr: string[] = [];
  const sleeps: number[] = [];
  const io: Io = {
    stdout: { write: () => true },
    stderr: { write: (text: string) => stderr.push(text) },
    cwd: process.cwd(),
    now: () => new Date(now),
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
      onSleep(sleeps.length);
    },
    firstRetryMs: 2000,
  };
  return { io, stderr, sleeps };
}

test('--wait: asks again with doubling pauses while a name is missing, says what it waits for, and passes once the record appears', async () => {
  const { io, stderr, sleeps } = waitingIo((n) => {
    if (n === 3) dns.set('example.com', { A: ['192.0.2.10'], AAAA: ['2001:db8::10'] });
  });
  const results: CheckResult[] = await waitFor(context(['example.com']), { wait: true, waitMaxSeconds: 600 }, io);
  expect(results.filter((r) => r.status === 'fail')).toEqual([]);
  expect(sleeps).toEqual([2000, 4000, 8000]);
  expect(stderr).toHaveLength(3);
  expect(stderr[0]).toBe(
    'doctor: waiting for example.com resolves (A and AAAA) (no A: the name does not exist (NXDOMAIN), no AAAA: the name does not exist (NXDOMAIN)): attempt 1, next in 2 s, 10 min 0 s left\n',
  );
  expect(stderr[2]).toMatch(/attempt 3, next in 8 s, 9 min 54 s left/);
  expect(dns.queries.filter((q) => q === 'A example.com')).toHaveLength(4);
});

test('--wait gives up at --wait-max and returns the failure; without --wait nothing is retried', async () => {
  const { io, stderr, sleeps } = waitingIo(() => undefined);
  const results = await waitFor(context(['example.com']), { wait: true, waitMaxSeconds: 20 }, io);
  expect(results.map((r) => r.status)).toEqual(['pass', 'fail', 'skip']);
  expect(sleeps).toEqual([2000, 4000, 8000, 6000]);
  expect(stderr.at(-1)).toBe('doctor: stopped waiting after 20 s (--wait-max 20)\n');

  const once = waitingIo(() => undefined);
  await waitFor(context(['example.com']), { wait: false, waitMaxSeconds: 20 }, once.io);
  expect(once.sleeps).toEqual([]);
  expect(once.stderr).toEqual([]);
});
