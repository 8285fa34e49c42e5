/** DNS: every name of the site resolves, to IPv4 (A) and IPv6 (AAAA) addresses, as Route 53's alias records make them. */
import { isIP } from 'node:net';
import { siteNames, type DoctorContext } from './context';
import { errorCode } from './net';
import { fail, pass, skip, type CheckResult } from './report';

type Lookup = { readonly ok: true; readonly addresses: readonly string[] } | { readonly ok: false; readonly code: string };

async function lookup(resolve: () => Promise<string[]>): Promise<Lookup> {
  try {
    const addresses = await resolve();
    return addresses.length > 0 ? { ok: true, addresses } : { ok: false, code: 'ENODATA' };
  } catch (error) {
    return { ok: false, code: errorCode(error) ?? 'EUNKNOWN' };
  }
}

const WHY: Record<string, string> = {
  ENOTFOUND: 'the name does not exist (NXDOMAIN)',
  ENODATA: 'the name exists but has no such record',
  ETIMEOUT: 'the DNS server did not answer',
  ESERVFAIL: 'the DNS server failed (SERVFAIL)',
  ECONNREFUSED: 'the DNS server refused the connection',
  EREFUSED: 'the DNS server refused the query',
};

export async function checkDns(ctx: DoctorContext): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const name of siteNames(ctx.target)) {
    const check = `${name} resolves (A and AAAA)`;
    if (isIP(name) !== 0) {
      results.push(skip('DNS', check, 'an IP address, not a name'));
      continue;
    }
    const [a, aaaa] = await Promise.all([lookup(() => ctx.network.resolver.resolve4(name)), lookup(() => ctx.network.resolver.resolve6(name))]);
    if (a.ok && aaaa.ok) {
      results.push(pass('DNS', check, `A ${a.addresses.join(' ')}, AAAA ${aaaa.addresses.join(' ')}`));
      continue;
    }
    const seen = [
      a.ok ? `A ${a.addresses.join(' ')}` : `no A: ${WHY[a.code] ?? a.code}`,
      aaaa.ok ? `AAAA ${aaaa.addresses.join(' ')}` : `no AAAA: ${WHY[aaaa.code] ?? aaaa.code}`,
    ].join(', ');
    const codes = [a, aaaa].flatMap((l) => (l.ok ? [] : [l.code]));
    if (codes.includes('ENOTFOUND')) {
      results.push(
        fail(
          'DNS',
          check,
          seen,
          `${name} does not exist in DNS: the hosted zone that holds its alias records is not the one the domain is delegated to (the registrar's name servers are not the zone's NS records), or the records were never made`,
          `compare the registrar's name servers with the zone's NS record (dig NS ${parentOf(name)}), make them equal, and deploy (StaticSite makes A and AAAA aliases for every name); a first deploy can take 15 minutes to be seen: run again with --wait`,
        ),
      );
    } else if (codes.every((code) => code === 'ENODATA')) {
      const missing = a.ok ? 'AAAA' : aaaa.ok ? 'A' : 'A and AAAA';
      results.push(
        fail(
          'DNS',
          check,
          seen,
          `the zone answers for ${name} but has no ${missing} record: the alias record${missing.includes('and') ? 's are' : ' is'} missing${missing === 'AAAA' ? ' (IPv6 visitors cannot reach the site)' : ''}, or ${name} is a record of another type (a CNAME to an old host)`,
          `make ${missing} alias records for ${name} to the distribution (StaticSite does for every name in domainName and redirectDomainNames: deploy again), and remove any other record on that name`,
        ),
      );
    } else {
      results.push(
        fail(
          'DNS',
          check,
          seen,
          'the DNS server could not be asked (no answer, refused, or failed)',
          'check the network, or ask another server: --dns-server 1.1.1.1; run again with --wait if the zone was just made',
        ),
      );
    }
  }
  return results;
}

function parentOf(name: string): string {
  const labels = name.split('.');
  return labels.length > 2 ? labels.slice(1).join('.') : name;
}
