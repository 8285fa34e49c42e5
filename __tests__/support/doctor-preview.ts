/**
 * The local preview as the doctor's tests use it: the example synthesized with a domain and a redirect name
 * (www.example.com, example.com), served on loopback, the names resolved by a test DNS server; and a "front":
 * proxies before the site and the API that break one thing each, as the seed story's failures did.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeServer, PortInUseError } from '../../preview/net';
import { startPreview, type Preview } from '../../preview/preview';
import { APP_NODE_ARGS } from '../../scripts/app-command';
import { startTestDns, type TestDns } from './doctor-dns';

export const PROJECT = join(__dirname, '..', '..');
export const SITE_NAME = 'www.example.com';
export const REDIRECT_NAME = 'example.com';

/** Synthesizes the example with a custom domain into `outDir` (the same app command as cdktf synth). */
export function synthesizeWithDomain(outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...APP_NODE_ARGS],
      {
        cwd: PROJECT,
        env: { ...process.env, CDKTF_OUTDIR: outDir, DOMAIN_NAME: SITE_NAME, HOSTED_ZONE_NAME: 'example.com', REDIRECT_DOMAIN_NAMES: REDIRECT_NAME },
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, _stdout, stderr) => (error ? reject(new Error(`synthesis failed: ${stderr || error.message}`)) : resolve()),
    );
  });
}

/** A port that was free a moment ago (the preview's allowed origins must name the site's port before it listens). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface DoctorPreview {
  readonly preview: Preview;
  readonly dns: TestDns;
  readonly outDir: string;
  readonly stackDir: string;
  /** `http://www.example.com:<site port>` */
  readonly siteUrl: string;
  /** The port kept for a front's site proxy (its origin is allowed too). */
  readonly frontPort: number;
  stop(): Promise<void>;
}

export async function startDoctorPreview(): Promise<DoctorPreview> {
  const outDir = mkdtempSync(join(tmpdir(), 'doctor-preview-'));
  await synthesizeWithDomain(outDir);
  const dns = await startTestDns({ [SITE_NAME]: { A: ['127.0.0.1'], AAAA: ['::1'] }, [REDIRECT_NAME]: { A: ['127.0.0.1'], AAAA: ['::1'] } });
  for (let attempt = 1; ; attempt++) {
    const [sitePort, frontPort] = [await freePort(), await freePort()];
    try {
      const preview = await startPreview({
        outDir,
        synth: false,
        sitePort,
        // The tests run the doctor a dozen times in a few seconds, more than the stage's limits (10/s, burst 20) allow.
        throttle: null,
        allowedOrigins: [`http://${SITE_NAME}:${sitePort}`, `http://${SITE_NAME}:${frontPort}`],
      });
      return {
        preview,
        dns,
        outDir,
        stackDir: preview.stackDir,
        siteUrl: `http://${SITE_NAME}:${sitePort}`,
        frontPort,
        async stop() {
          await preview.stop();
          await dns.stop();
          rmSync(outDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      if (!(error instanceof PortInUseError) || attempt >= 5) {
        await dns.stop();
        throw error;
      }
    }
  }
}

export interface Exchange {
  readonly method: string;
  readonly path: string;
  /** The request's Origin header. */
  readonly origin?: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Changes an answer on its way back (status, headers, body). */
export type Transform = (exchange: Exchange) => void;

export interface Front {
  /** `http://www.example.com:<front port>` */
  readonly siteUrl: string;
  /** The contact endpoint through the API proxy. */
  readonly apiUrl: string;
  stop(): Promise<void>;
}

/**
 * Proxies before the preview's site (on the kept front port) and API; the site proxy puts the API proxy's
 * origin where the site names the API (CSP, config.json, the form), so that everything but `transform`s is as before.
 */
export async function startFront(p: DoctorPreview, transforms: { site?: Transform; api?: Transform } = {}): Promise<Front> {
  const apiTarget = new URL(p.preview.apiUrl);
  const apiProxy = createServer();
  await listenOn(apiProxy, 0);
  const apiPort = (apiProxy.address() as AddressInfo).port;
  const apiOrigin = `http://127.0.0.1:${apiPort}`;
  apiProxy.on('request', proxyTo(apiTarget, transforms.api));
  const siteProxy = createServer();
  siteProxy.on(
    'request',
    proxyTo(new URL(p.preview.siteUrl), (exchange) => {
      for (const [name, value] of Object.entries(exchange.headers)) exchange.headers[name] = value.split(p.preview.apiUrl).join(apiOrigin);
      if (/json|html/.test(exchange.headers['content-type'] ?? '')) {
        exchange.body = Buffer.from(exchange.body.toString('utf8').split(p.preview.apiUrl).join(apiOrigin));
        delete exchange.headers.etag;
      }
      transforms.site?.(exchange);
    }),
  );
  await listenOn(siteProxy, p.frontPort);
  return {
    siteUrl: `http://${SITE_NAME}:${p.frontPort}`,
    apiUrl: p.preview.contactEndpoint.split(p.preview.apiUrl).join(apiOrigin),
    async stop() {
      await Promise.all([closeServer(siteProxy), closeServer(apiProxy)]);
    },
  };
}

function listenOn(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

function proxyTo(target: URL, transform: Transform | undefined) {
  return (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const upstream = request(
        { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent: false },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (c: Buffer) => body.push(c));
          answer.on('end', () => {
            const exchange: Exchange = {
              method: req.method ?? 'GET',
              path: req.url ?? '/',
              origin: typeof req.headers.origin === 'string' ? req.headers.origin : undefined,
              status: answer.statusCode ?? 502,
              headers: flat(answer.headers),
              body: Buffer.concat(body),
            };
            try {
              transform?.(exchange);
              delete exchange.headers['content-length'];
              delete exchange.headers['transfer-encoding'];
              delete exchange.headers.connection;
              res.writeHead(exchange.status, { ...exchange.headers, 'content-length': String(exchange.body.length) }).end(exchange.body);
            } catch (error) {
              // A broken transform must fail the test at once, not leave the doctor waiting for an answer.
              res.destroy(error as Error);
            }
          });
        },
      );
      upstream.on('error', (error) => res.writeHead(502).end(String(error)));
      upstream.end(Buffer.concat(chunks));
    });
  };
}

function flat(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
