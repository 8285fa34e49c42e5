/**
 * The doctor's TLS checks against local TLS servers with certificates of a test CA (made here with openssl):
 * valid, for another name, expired, expiring in 10 days, and a server that still accepts TLS 1.0/1.1. The
 * names resolve through a loopback DNS server; the test CA is trusted only by the doctor's network here.
 * Also: "served by CloudFront" over real HTTPS, from the response headers.
 */
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type TlsOptions } from 'node:tls';
import { createContext } from '../../scripts/doctor/context';
import { createNetwork, type Network } from '../../scripts/doctor/net';
import type { CheckResult } from '../../scripts/doctor/report';
import { checkSite } from '../../scripts/doctor/site';
import { checkTls } from '../../scripts/doctor/tls';
import { startTestDns, type TestDns } from '../support/doctor-dns';
import { createTestPki, type TestCertificate, type TestPki } from '../support/doctor-pki';

let pki: TestPki;
let dns: TestDns;
let valid: TestCertificate;
const servers: Server[] = [];

beforeAll(async () => {
  pki = createTestPki();
  valid = pki.issue(['www.example.com', 'example.com'], { days: 90 });
  dns = await startTestDns({ 'www.example.com': { A: ['127.0.0.1'], AAAA: ['::1'] }, 'example.com': { A: ['127.0.0.1'], AAAA: ['::1'] } });
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

afterAll(async () => {
  await dns?.stop();
  pki?.remove();
});

/** A TLS server on loopback that completes the handshake and hangs up. */
async function tlsServer(certificate: TestCertificate, extra: TlsOptions = {}): Promise<number> {
  const server = createServer({ key: certificate.key, cert: certificate.cert, ...extra }, (socket) => socket.end());
  server.on('tlsClientError', () => undefined);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function network(trustTestCa = true): Network {
  return createNetwork({ dnsServers: [dns.server], extraCa: trustTestCa ? [pki.ca] : undefined, timeoutMs: 20_000 });
}

async function tlsResults(port: number, options: { trustTestCa?: boolean; redirect?: string[] } = {}): Promise<CheckResult[]> {
  const target = { site: new URL(`https://www.example.com:${port}`), redirectNames: options.redirect ?? ['example.com'], source: 'test' };
  return checkTls(createContext(target, network(options.trustTestCa ?? true)));
}

const byCheck = (results: readonly CheckResult[], pattern: RegExp): CheckResult => {
  const found = results.filter((r) => pattern.test(r.check));
  if (found.length !== 1) throw new Error(`${found.length} checks match ${pattern}: ${results.map((r) => r.check).join(' | ')}`);
  return found[0]!;
};
const failures = (results: readonly CheckResult[]) => results.filter((r) => r.status === 'fail').map((r) => r.check);

test('a valid certificate for both names, TLS 1.2+ only: every TLS check passes (the chain, dates and protocols once for the one certificate)', async () => {
  const results = await tlsResults(await tlsServer(valid, { minVersion: 'TLSv1.2' }));
  expect(failures(results)).toEqual([]);
  expect(results.map((r) => `${r.status} ${r.check}`)).toEqual([
    'pass the certificate covers www.example.com',
    'pass the certificate of www.example.com chains to a trusted root',
    'pass the certificate of www.example.com is valid for 30 days more',
    'pass www.example.com refuses TLS 1.0 and 1.1',
    'pass the certificate covers example.com',
  ]);
  expect(byCheck(results, /chains/).detail).toBe('issued by Doctor Test CA');
  expect(byCheck(results, /valid for/).detail).toMatch(/\(90 days\)$/);
});

test('a certificate for another name: "covers" fails for both names, the chain still verifies', async () => {
  const results = await tlsResults(await tlsServer(pki.issue(['other.test'], { days: 90 })));
  expect(failures(results)).toEqual(['the certificate covers www.example.com', 'the certificate covers example.com']);
  const covers = byCheck(results, /covers www/);
  expect(covers.detail).toBe('issued for other.test');
  expect(covers.cause).toMatch(/does not name www\.example\.com/);
  expect(covers.fix).toMatch(/redirectDomainNames/);
});

test('a certificate naming only the site: the redirect name is not covered', async () => {
  const results = await tlsResults(await tlsServer(pki.issue(['www.example.com'], { days: 90 })));
  expect(failures(results)).toEqual(['the certificate covers example.com']);
});

test('an expired certificate: the expiry check says when it expired and why ACM did not renew it; the chain fails with CERT_HAS_EXPIRED', async () => {
  const results = await tlsResults(await tlsServer(pki.issue(['www.example.com', 'example.com'], { start: '20200101000000Z', end: '20200201000000Z' })));
  const expiry = byCheck(results, /valid for 30 days/);
  expect(expiry).toMatchObject({ status: 'fail', detail: 'expired on 2020-02-01' });
  expect(expiry.cause).toMatch(/has expired: ACM renews a DNS-validated certificate .* validation CNAME/);
  expect(byCheck(results, /chains/)).toMatchObject({ status: 'fail', cause: expect.stringMatching(/has expired/) });
  expect(byCheck(results, /chains/).detail).toMatch(/^CERT_HAS_EXPIRED/);
  expect(byCheck(results, /covers www/).status).toBe('pass');
});

test('a certificate expiring in 10 days: the expiry check fails (under 30 days), everything else passes', async () => {
  const results = await tlsResults(await tlsServer(pki.issue(['www.example.com', 'example.com'], { days: 10 })));
  expect(failures(results)).toEqual(['the certificate of www.example.com is valid for 30 days more']);
  const expiry = byCheck(results, /valid for 30 days/);
  expect(expiry.detail).toMatch(/^expires in 10 days, on \d{4}-\d{2}-\d{2}$/);
  expect(expiry.cause).toMatch(/has not been renewed/);
});

test('a server that accepts TLS 1.0 and 1.1: the protocol check fails with the security policy as the cause', async () => {
  const results = await tlsResults(await tlsServer(valid, { minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }));
  expect(failures(results)).toEqual(['www.example.com refuses TLS 1.0 and 1.1']);
  const old = byCheck(results, /refuses TLS/);
  expect(old.detail).toBe('accepts TLSv1 and TLSv1.1');
  expect(old.fix).toMatch(/TLSv1\.2_2021/);
});

test('a certificate from a CA that is not trusted: the chain check fails, naming the issuer', async () => {
  const results = await tlsResults(await tlsServer(valid), { trustTestCa: false });
  const chain = byCheck(results, /chains/);
  expect(chain.status).toBe('fail');
  expect(chain.detail).toMatch(/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN).*Doctor Test CA/);
  expect(chain.cause).toMatch(/not from a public CA/);
});

test('nothing listening: one failure per name, no certificate checks', async () => {
  const port = await tlsServer(valid);
  await new Promise((resolve) => servers.pop()!.close(resolve));
  const results = await tlsResults(port);
  expect(results.map((r) => `${r.status} ${r.check}`)).toEqual(['fail www.example.com answers over TLS', 'fail example.com answers over TLS']);
  expect(results[0]!.detail).toMatch(/ECONNREFUSED/);
});

test('over HTTPS: "served by CloudFront" passes with CloudFront\'s Via header and fails without it, naming the server', async () => {
  for (const [via, expected] of [
    ['1.1 0123456789abcdef.cloudfront.net (CloudFront)', 'pass'],
    [undefined, 'fail'],
  ] as const) {
    const server = createHttpsServer({ key: valid.key, cert: valid.cert }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', server: via ? 'AmazonS3' : 'nginx', ...(via ? { via } : {}) }).end('<!doctype html>');
    });
    servers.push(server as unknown as Server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const target = { site: new URL(`https://www.example.com:${port}`), redirectNames: [], source: 'test' };
    const results = await checkSite(createContext(target, network()));
    const served = byCheck(results, /served by CloudFront/);
    expect(served.status).toBe(expected);
    if (expected === 'fail') {
      expect(served.detail).toBe("200 without CloudFront's headers (Server: nginx)");
      expect(served.cause).toMatch(/points at another server than CloudFront/);
    } else {
      expect(served.detail).toBe(`Via: ${via}`);
    }
  }
});
