/**
 * shared/origins.ts checks IP addresses without node:net (it is imported by the Lambda bundle, the constructs
 * and could be by a browser): its checks must decide exactly what `net.isIPv4`/`net.isIPv6` decided before.
 */
import { isIPv4, isIPv6 } from 'node:net';
import fc from 'fast-check';
import { isIPv4Address, isIPv6Address, normaliseOrigin } from '../shared/origins';

const octet = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('00', '01', '010', '255', '256'));
const ipv4Like = fc.array(octet, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.'));
const group = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16)),
  fc.constantFrom('', '0', '00000', 'FFFF', 'fffff', 'g'),
  ipv4Like,
);
// Groups joined by ':', with an optional '::' somewhere: valid addresses and every kind of near miss.
const ipv6Like = fc.tuple(fc.array(group, { maxLength: 10 }), fc.nat(), fc.boolean()).map(([groups, at, compress]) => {
  const text = groups.join(':');
  const cut = at % (text.length + 1);
  return compress ? `${text.slice(0, cut)}::${text.slice(cut)}` : text;
});
const anything = fc.stringMatching(/^[0-9a-fA-F:.]{0,20}$/);

test('isIPv4Address decides as net.isIPv4', () => {
  fc.assert(
    fc.property(fc.oneof(ipv4Like, anything), (value) => isIPv4Address(value) === isIPv4(value)),
    { numRuns: 20_000 },
  );
});

test('isIPv6Address decides as net.isIPv6 (zone ids aside: an origin has none)', () => {
  fc.assert(
    fc.property(fc.oneof(ipv6Like, anything), (value) => isIPv6Address(value) === isIPv6(value)),
    { numRuns: 20_000 },
  );
  for (const value of ['::', '::1', '1::', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::ffff:1.2.3.4', '1::2::3', '1.2.3.04']) {
    expect(isIPv6Address(value)).toBe(isIPv6(value));
  }
  expect(isIPv6('fe80::1%eth0')).toBe(true);
  expect(normaliseOrigin('http://[fe80::1%eth0]')).toBeUndefined();
});
