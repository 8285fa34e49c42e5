import { Lazy, TerraformIterator, TerraformProvider, Token } from 'cdktf';
import { Construct } from 'constructs';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { dnsNameToId } from './names';

export interface DnsValidatedCertificate {
  readonly certificate: AcmCertificate;
  /** One CNAME per name on the certificate, made with `for_each` over its validation options. */
  readonly validationRecords: Route53Record;
  /** Its `certificate_arn` is only known once ACM has issued the certificate. */
  readonly validation: AcmCertificateValidation;
}

/**
 * An ACM certificate for `names` (the first is the subject, the rest alternative names), validated
 * through CNAME records in the hosted zone `zoneId`. Ids: `certificate`, `certificate-validation-record`,
 * `certificate-validation` (Terraform names: keep them stable).
 */
export function dnsValidatedCertificate(scope: Construct, options: { names: string[]; zoneId: string; provider?: TerraformProvider }): DnsValidatedCertificate {
  const { names, zoneId, provider } = options;
  const certificate = new AcmCertificate(scope, 'certificate', {
    provider,
    domainName: names[0],
    subjectAlternativeNames: names.length > 1 ? names.slice(1) : undefined,
    validationMethod: 'DNS',
    keyAlgorithm: 'RSA_2048',
    lifecycle: { createBeforeDestroy: true },
  });
  const validationOptions = TerraformIterator.fromMap(validationOptionsByName(certificate));
  const validationRecords = new Route53Record(scope, 'certificate-validation-record', {
    forEach: validationOptions,
    zoneId,
    name: validationOptions.getString('resource_record_name'),
    type: validationOptions.getString('resource_record_type'),
    records: [validationOptions.getString('resource_record_value')],
    ttl: 300,
    // A wildcard and its apex share one validation record.
    allowOverwrite: true,
  });
  const validation = new AcmCertificateValidation(scope, 'certificate-validation', {
    provider,
    certificateArn: certificate.arn,
    validationRecordFqdns: Token.asList(TerraformIterator.fromResources(validationRecords).pluckProperty('fqdn')),
  });
  return { certificate, validationRecords, validation };
}

/**
 * `{ for dvo in <certificate>.domain_validation_options : dvo.domain_name => dvo }`, keyed by the name each
 * record validates: known at plan time, unlike the record values. It iterates the set itself, as the
 * provider's docs do: cdktf's `fromComplexList` wraps it in `tolist()`, and `tolist()` of a set whose members
 * are partly unknown is wholly unknown at plan time, so `for_each` fails for a certificate with two or more names.
 */
function validationOptionsByName(certificate: AcmCertificate): Record<string, unknown> {
  // Lazy: the address is read at synth, after any overrideLogicalId.
  return Token.asAnyMap(
    Lazy.anyValue({
      produce: () =>
        `\${{ for dvo in ${certificate.terraformResourceType}.${certificate.friendlyUniqueId}.domain_validation_options : dvo.domain_name => dvo }}`,
    }),
  );
}

/** `A` and `AAAA` alias records for each name, pointing at a CloudFront or API Gateway domain. */
export function aliasRecords(
  scope: Construct,
  options: { names: string[]; zoneId: string; targetDomainName: string; targetZoneId: string },
): Record<string, Route53Record> {
  const records: Record<string, Route53Record> = {};
  for (const name of options.names) {
    for (const type of ['A', 'AAAA'] as const) {
      records[`${type} ${name}`] = new Route53Record(scope, `alias-${type.toLowerCase()}-${dnsNameToId(name)}`, {
        zoneId: options.zoneId,
        name,
        type,
        alias: { name: options.targetDomainName, zoneId: options.targetZoneId, evaluateTargetHealth: false },
      });
    }
  }
  return records;
}
