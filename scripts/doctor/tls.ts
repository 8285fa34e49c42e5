/**
 * TLS: for every name, the certificate the server sends with that name's SNI covers the name, chains to a
 * trusted public root, is not within 30 days of its end; and the server refuses TLS 1.0 and 1.1.
 */
import { checkServerIdentity, type DetailedPeerCertificate } from 'node:tls';
import { isLocalPreview, siteNames, type DoctorContext } from './context';
import { describeError, handshake, type Handshake } from './net';
import { fail, pass, skip, type CheckResult } from './report';

/** ACM renews 60 days ahead; a certificate with less than 30 days left has not been, and will not be, renewed in time. */
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

const CHAIN_WHY: Record<string, string> = {
  CERT_HAS_EXPIRED: 'a certificate of the chain has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the chain ends in a root no browser trusts',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its issuer is no public CA (a private CA, or a missing intermediate)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its issuer is unknown (an incomplete chain, or a private CA)',
};

export async function checkTls(ctx: DoctorContext): Promise<CheckResult[]> {
  const names = siteNames(ctx.target);
  if (isLocalPreview(ctx.target)) {
    return [skip('TLS', `certificate and protocols of ${names.join(', ')}`, 'the site is http:// (a local preview, not CloudFront)')];
  }
  const port = ctx.target.site.port === '' ? 443 : Number(ctx.target.site.port);
  const results: CheckResult[] = [];
  const seenCertificates = new Set<string>();
  for (const name of names) {
    let shake: Handshake;
    try {
      shake = await handshake(ctx.network, name, port);
    } catch (error) {
      results.push(
        fail(
          'TLS',
          `${name} answers over TLS`,
          describeError(error),
          'nothing answers HTTPS on this name: DNS points somewhere else than CloudFront (see the DNS checks), or the distribution has no certificate for it',
          'point the name at the distribution (alias A/AAAA) and include it in the certificate and the aliases (StaticSite: domainName and redirectDomainNames)',
        ),
      );
      continue;
    }
    results.push(coverage(name, shake.certificate));
    // One distribution sends one certificate for all its names: its chain, dates and protocols are checked once.
    const fingerprint = shake.certificate.fingerprint256;
    if (seenCertificates.has(fingerprint)) continue;
    seenCertificates.add(fingerprint);
    results.push(chain(name, shake), expiry(name, shake.certificate, ctx.now()));
    results.push(await oldProtocols(ctx, name, port));
  }
  return results;
}

function coverage(name: string, cert: DetailedPeerCertificate): CheckResult {
  const check = `the certificate covers ${name}`;
  const covered = coveredNames(cert);
  const problem = checkServerIdentity(name, cert);
  if (problem === undefined) return pass('TLS', check, `issued for ${covered.join(', ')}`);
  const cloudfrontDefault = covered.some((n) => n === '*.cloudfront.net');
  return fail(
    'TLS',
    check,
    `issued for ${covered.join(', ') || 'no name'}`,
    cloudfrontDefault
      ? `CloudFront sends its default *.cloudfront.net certificate: ${name} is not an alternate domain name of the distribution, or the distribution has no certificate of its own (browsers show no padlock)`
      : `the certificate does not name ${name}: it was made for other names (a certificate requested before ${name} was added, or one for another site)`,
    `put every name in the certificate and in the distribution's aliases: StaticSite does both from domainName and redirectDomainNames (leave certificateArn unset and it makes and validates one)`,
  );
}

function coveredNames(cert: DetailedPeerCertificate): string[] {
  const alt = (cert.subjectaltname ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4));
  const cn = cert.subject?.CN;
  return alt.length > 0 ? alt : typeof cn === 'string' ? [cn] : [];
}

function chain(name: string, shake: Handshake): CheckResult {
  const check = `the certificate of ${name} chains to a trusted root`;
  const issuer = issuerName(shake.certificate);
  if (shake.chainError === undefined) return pass('TLS', check, `issued by ${issuer}`);
  return fail(
    'TLS',
    check,
    `${shake.chainError}: ${CHAIN_WHY[shake.chainError] ?? 'the chain does not verify'} (issued by ${issuer})`,
    shake.chainError === 'CERT_HAS_EXPIRED'
      ? 'the certificate has expired (see its expiry check)'
      : 'the distribution serves a certificate that is not from a public CA: an imported or private-CA certificate, or a self-signed one pasted as certificateArn',
    'use a public ACM certificate in us-east-1, validated through DNS: StaticSite requests one when certificateArn is not given',
  );
}

function issuerName(cert: DetailedPeerCertificate): string {
  const issuer = cert.issuer as unknown as Record<string, string | string[] | undefined>;
  const part = (key: string) => {
    const value = issuer[key];
    return Array.isArray(value) ? value.join(' ') : value;
  };
  return [part('CN'), part('O')].filter(Boolean).join(', ') || 'an unnamed issuer';
}

function expiry(name: string, cert: DetailedPeerCertificate, now: Date): CheckResult {
  const check = `the certificate of ${name} is valid for ${EXPIRY_WARNING_DAYS} days more`;
  const notAfter = new Date(cert.valid_to);
  const notBefore = new Date(cert.valid_from);
  const left = notAfter.getTime() - now.getTime();
  const days = Math.round(left / DAY_MS);
  const until = notAfter.toISOString().slice(0, 10);
  const renewal =
    'ACM renews a DNS-validated certificate by itself, from 60 days before its end, only while its validation CNAME records are still in the zone and the certificate is in use; an imported certificate is never renewed';
  const fix = 'keep the validation CNAMEs (terraform apply puts StaticSite’s back), or request a new certificate: leave certificateArn unset and deploy';
  if (notBefore.getTime() > now.getTime()) {
    return fail(
      'TLS',
      check,
      `not valid before ${notBefore.toISOString().slice(0, 10)}`,
      'the certificate is not valid yet (or this machine’s clock is wrong)',
      'check the clock',
    );
  }
  if (notAfter.getTime() <= now.getTime()) return fail('TLS', check, `expired on ${until}`, `the certificate has expired: ${renewal}`, fix);
  if (left < EXPIRY_WARNING_DAYS * DAY_MS)
    return fail('TLS', check, `expires in ${days} day${days === 1 ? '' : 's'}, on ${until}`, `it has not been renewed: ${renewal}`, fix);
  return pass('TLS', check, `until ${until} (${days} days)`);
}

async function oldProtocols(ctx: DoctorContext, name: string, port: number): Promise<CheckResult> {
  const check = `${name} refuses TLS 1.0 and 1.1`;
  if (name.endsWith('.cloudfront.net')) {
    return skip(
      'TLS',
      check,
      'a *.cloudfront.net name uses CloudFront’s default certificate, whose security policy is always TLSv1 (only a custom domain can have TLSv1.2_2021)',
    );
  }
  const accepted: string[] = [];
  for (const version of ['TLSv1', 'TLSv1.1'] as const) {
    try {
      const shake = await handshake(ctx.network, name, port, { min: version, max: version });
      accepted.push(shake.protocol);
    } catch {
      // Refused: as it should be.
    }
  }
  if (accepted.length === 0) return pass('TLS', check, 'both refused');
  return fail(
    'TLS',
    check,
    `accepts ${accepted.join(' and ')}`,
    'the distribution’s security policy (minimum_protocol_version) allows TLS versions that PCI DSS and browsers have retired',
    'set viewer_certificate.minimum_protocol_version = "TLSv1.2_2021" (StaticSite sets it with a custom domain) and deploy',
  );
}
