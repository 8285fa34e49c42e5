/**
 * A DNS server on loopback for the doctor's tests: answers A and AAAA queries over UDP from a table the
 * test controls (and can change while it runs), NXDOMAIN for names it does not know, NOERROR with no
 * answer for a known name without that record type. No real DNS is asked.
 */
import { createSocket, type RemoteInfo } from 'node:dgram';
import type { AddressInfo } from 'node:net';

export interface Records {
  readonly A?: readonly string[];
  readonly AAAA?: readonly string[];
}

export interface TestDns {
  /** `127.0.0.1:<port>`, for --dns-server or Resolver.setServers. */
  readonly server: string;
  set(name: string, records: Records | undefined): void;
  /** Queries seen, as `<type> <name>`. */
  readonly queries: string[];
  stop(): Promise<void>;
}

const TYPE = { A: 1, AAAA: 28 } as const;

export async function startTestDns(initial: Record<string, Records> = {}): Promise<TestDns> {
  const table = new Map<string, Records>(Object.entries(initial).map(([name, records]) => [name.toLowerCase(), records]));
  const queries: string[] = [];
  const socket = createSocket('udp4');
  socket.on('message', (message: Buffer, remote: RemoteInfo) => {
    const answer = respond(message, table, queries);
    if (answer) socket.send(answer, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  return {
    server: `127.0.0.1:${port}`,
    queries,
    set(name, records) {
      if (records === undefined) table.delete(name.toLowerCase());
      else table.set(name.toLowerCase(), records);
    },
    stop: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

function respond(query: Buffer, table: ReadonlyMap<string, Records>, queries: string[]): Buffer | undefined {
  if (query.length < 12 || query.readUInt16BE(4) !== 1) return undefined;
  let offset = 12;
  const labels: string[] = [];
  while (offset < query.length && query[offset] !== 0) {
    const length = query[offset]!;
    labels.push(query.toString('latin1', offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
  offset += 1;
  const type = query.readUInt16BE(offset);
  const question = query.subarray(12, offset + 4);
  const name = labels.join('.').toLowerCase();
  queries.push(`${type === TYPE.A ? 'A' : type === TYPE.AAAA ? 'AAAA' : type} ${name}`);
  const records = table.get(name);
  const addresses = records === undefined ? [] : type === TYPE.A ? (records.A ?? []) : type === TYPE.AAAA ? (records.AAAA ?? []) : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  // QR, the query's RD, RA; RCODE 3 (NXDOMAIN) for an unknown name.
  header.writeUInt16BE(0x8000 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | (records === undefined ? 3 : 0), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(addresses.length, 6);
  // A negative answer carries the zone's SOA, as Route 53's do, so that resolvers may cache it (for its minimum, 900 s).
  header.writeUInt16BE(addresses.length === 0 ? 1 : 0, 8);
  const answers = addresses.map((address) => {
    const rdata = type === TYPE.A ? Buffer.from(address.split('.').map(Number)) : ipv6Bytes(address);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    rr.writeUInt16BE(type, 2);
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(60, 6);
    rr.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([rr, rdata]);
  });
  return Buffer.concat([header, question, ...answers, ...(addresses.length === 0 ? [soaRecord()] : [])]);
}

/** `<the question's name> SOA ns.test. hostmaster.test. 1 7200 900 1209600 900`, TTL 900. */
function soaRecord(): Buffer {
  const name = (text: string) =>
    Buffer.concat([...text.split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)])), Buffer.from([0])]);
  const numbers = Buffer.alloc(20);
  [1, 7200, 900, 1_209_600, 900].forEach((n, i) => numbers.writeUInt32BE(n, i * 4));
  const rdata = Buffer.concat([name('ns.test'), name('hostmaster.test'), numbers]);
  const rr = Buffer.alloc(12);
  rr.writeUInt16BE(0xc00c, 0);
  rr.writeUInt16BE(6, 2); // SOA
  rr.writeUInt16BE(1, 4);
  rr.writeUInt32BE(900, 6);
  rr.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([rr, rdata]);
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}
