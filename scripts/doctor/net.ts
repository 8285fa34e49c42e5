/**
 * The doctor's view of the network, as a browser has it: names resolved (by the system, or by the DNS
 * server given with --dns-server), HTTP(S) requests with the public roots (plus any extra test CA), and
 * TLS handshakes to look at a certificate and at the protocol versions a server accepts.
 */
import { promises as dns, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { connect, rootCertificates, type DetailedPeerCertificate, type SecureVersion } from 'node:tls';

/** The two lookups the DNS checks make. */
export interface NameResolver {
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
}

export interface Network {
  /** For the DNS checks. */
  readonly resolver: NameResolver;
  /** For connections: `undefined` is the system's resolver (getaddrinfo, /etc/hosts), as a browser uses. */
  readonly lookup?: LookupFunction;
  /** PEM roots trusted besides the public ones (tests; NODE_EXTRA_CA_CERTS does the same for the CLI). */
  readonly extraCa?: readonly string[];
  readonly timeoutMs: number;
}

/** The system's DNS servers, or `servers` (`1.1.1.1`, `127.0.0.1:5353`, `[::1]:53`), for the checks and the connections. */
export function createNetwork(options: { dnsServers?: readonly string[]; extraCa?: readonly string[]; timeoutMs: number }): Network {
  const resolver = new dns.Resolver({ timeout: Math.min(options.timeoutMs, 5000), tries: 2 });
  if (options.dnsServers && options.dnsServers.length > 0) resolver.setServers([...options.dnsServers]);
  return {
    resolver,
    lookup: options.dnsServers && options.dnsServers.length > 0 ? lookupWith(resolver) : undefined,
    extraCa: options.extraCa,
    timeoutMs: options.timeoutMs,
  };
}

/** The addresses of a name from `resolver`, IPv4 first. */
export async function addressesOf(resolver: NameResolver, name: string): Promise<LookupAddress[]> {
  if (isIP(name) !== 0) return [{ address: name, family: isIP(name) }];
  const [v4, v6] = await Promise.all([resolver.resolve4(name).catch(() => []), resolver.resolve6(name).catch(() => [])]);
  return [...v4.map((address) => ({ address, family: 4 })), ...v6.map((address) => ({ address, family: 6 }))];
}

/** A `lookup` for node's sockets that asks `resolver` instead of the system. */
export function lookupWith(resolver: NameResolver): LookupFunction {
  return (hostname, options, callback) => {
    addressesOf(resolver, hostname).then(
      (found) => {
        const wanted = options.family === 4 || options.family === 6 ? found.filter((a) => a.family === options.family) : found;
        if (wanted.length === 0) {
          callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), '', 4);
        } else if (options.all) {
          callback(null, wanted);
        } else {
          callback(null, wanted[0]!.address, wanted[0]!.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 4),
    );
  };
}

export interface HttpAnswer {
  readonly status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface HttpInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** At most this much of a body is read: the pages the doctor looks at are small. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * One request, no redirects followed. The Host header is the name alone, without a port: CloudFront serves
 * only 80 and 443 and its viewer-request function sees the bare name, and so does the local preview on its port.
 */
export function httpFetch(network: Network, url: URL, init: HttpInit = {}): Promise<HttpAnswer> {
  const secure = url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const body = init.body === undefined ? undefined : Buffer.from(init.body, 'utf8');
  const headers: Record<string, string> = {
    host: url.hostname,
    'user-agent': 'contact-site-doctor (npm run doctor)',
    ...(body ? { 'content-length': String(body.length) } : {}),
    ...init.headers,
  };
  return new Promise((resolve, reject) => {
    const options = {
      method: init.method ?? 'GET',
      hostname,
      port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
      path: `${url.pathname}${url.search}`,
      headers,
      agent: false as const,
      lookup: network.lookup,
      ...(secure ? { servername: isIP(hostname) === 0 ? hostname : undefined, ca: trustedRoots(network) } : {}),
    };
    const req = (secure ? httpsRequest : httpRequest)(options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: flatHeaders(res.headers), body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(network.timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${network.timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}

function trustedRoots(network: Network): string[] | undefined {
  return network.extraCa && network.extraCa.length > 0 ? [...rootCertificates, ...network.extraCa] : undefined;
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** A short reason for a failed request or handshake: the error's code and message. */
export function describeError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const message = e instanceof Error ? e.message : String(error);
  return e.code && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}

export function errorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

export interface Handshake {
  /** `TLSv1.3`, ... */
  readonly protocol: string;
  readonly certificate: DetailedPeerCertificate;
  /** OpenSSL's verdict on the chain (`CERT_HAS_EXPIRED`, `SELF_SIGNED_CERT_IN_CHAIN`, ...); the name is checked apart. */
  readonly chainError?: string;
}

/**
 * A TLS handshake with SNI `name` that accepts any certificate (so that it can be looked at), limited to the
 * versions given. Old versions need OpenSSL's security level 0 on our side, or OpenSSL 3 would not offer them.
 */
export function handshake(network: Network, name: string, port: number, versions: { min?: SecureVersion; max?: SecureVersion } = {}): Promise<Handshake> {
  const old = versions.max === 'TLSv1' || versions.max === 'TLSv1.1';
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: name,
      port,
      servername: isIP(name) === 0 ? name : undefined,
      lookup: network.lookup,
      ca: trustedRoots(network),
      minVersion: versions.min,
      maxVersion: versions.max,
      ...(old ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    });
    socket.setTimeout(network.timeoutMs, () =>
      socket.destroy(Object.assign(new Error(`no handshake within ${network.timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })),
    );
    socket.once('secureConnect', () => {
      const result: Handshake = {
        protocol: socket.getProtocol() ?? 'unknown',
        certificate: socket.getPeerCertificate(true),
        chainError: socket.authorized ? undefined : String(socket.authorizationError ?? 'UNKNOWN'),
      };
      socket.destroy();
      resolve(result);
    });
    socket.once('error', reject);
  });
}
