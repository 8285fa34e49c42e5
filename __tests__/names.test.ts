import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { AwsProvider, AwsProviderConfig } from '@cdktf/provider-aws/lib/provider';
import { ContactApi, StaticSite } from '../constructs';
import { makeSiteDir, MINIMAL_SITE, TerraformDocument } from './support/synth';

const siteDir = makeSiteDir(MINIMAL_SITE);

/** The example's constructs (same ids as main.ts) in a stack `contact-site`, with the default provider `provider`. */
function synthExample(provider: (stack: TerraformStack) => AwsProviderConfig): TerraformDocument {
  const stack = new TerraformStack(Testing.app(), 'contact-site');
  new AwsProvider(stack, 'aws', provider(stack));
  const site = new StaticSite(stack, 'site', { siteDir });
  new ContactApi(stack, 'contact', { allowedOrigins: site.origins });
  return JSON.parse(Testing.synth(stack));
}

/** The name of every resource that has one, by `<type>.<construct id part>`. */
function names(doc: TerraformDocument): Record<string, string> {
  const result: Record<string, string> = {};
  const pick = (type: string, part: string, field = 'name'): void => {
    const entry = Object.entries(doc.resource[type] ?? {}).find(([name]) => name.includes(part));
    if (entry) result[`${type}.${part}`] = entry[1][field];
  };
  pick('aws_iam_role', 'function-role');
  pick('aws_iam_role', 'api-gateway-cloudwatch-role');
  pick('aws_cloudfront_function', 'viewer-request');
  pick('aws_cloudfront_origin_access_control', 'origin-access-control');
  pick('aws_cloudfront_response_headers_policy', 'security-headers');
  pick('aws_lambda_function', 'function', 'function_name');
  pick('aws_dynamodb_table', 'table');
  pick('aws_api_gateway_rest_api', 'api');
  return result;
}

// The names of the example synthesized before names knew regions: deployed stacks have these.
const TODAY = {
  'aws_iam_role.function-role': 'contact-site-contact-handler-5b64942d',
  'aws_iam_role.api-gateway-cloudwatch-role': 'contact-site-contact-apigw-logs-3aa41871',
  'aws_cloudfront_function.viewer-request': 'contact-site-site-viewer-request-15f3bbb3',
  'aws_cloudfront_origin_access_control.origin-access-control': 'contact-site-site-oac-e5cb96c2',
  'aws_cloudfront_response_headers_policy.security-headers': 'contact-site-site-security-headers-d0a1136e',
  'aws_lambda_function.function': 'contact-site-contact-handler-5b64942d',
  'aws_dynamodb_table.table': 'contact-site-contact-submissions-623a8b21',
  'aws_api_gateway_rest_api.api': 'contact-site-contact-api-cac6ad47',
};
// IAM and CloudFront names are global to the account; the others are per region.
const GLOBAL = Object.keys(TODAY).filter((key) => /^aws_(iam_role|cloudfront_)/.test(key));
const REGIONAL = Object.keys(TODAY).filter((key) => !GLOBAL.includes(key));

describe('account-wide names and the region', () => {
  it('keeps every name of a us-east-1 stack as it was', () => {
    expect(names(synthExample(() => ({ region: 'us-east-1' })))).toEqual(TODAY);
  });

  it('gives the IAM and CloudFront names of a stack in another region its region, and keeps its regional names', () => {
    const euWest1 = names(synthExample(() => ({ region: 'eu-west-1' })));
    for (const key of GLOBAL) {
      expect(euWest1[key]).not.toBe(TODAY[key as keyof typeof TODAY]);
      expect(euWest1[key]).toMatch(/-eu-west-1-[0-9a-f]{8}$/);
      expect(euWest1[key].length).toBeLessThanOrEqual(64);
    }
    expect(euWest1['aws_iam_role.function-role']).toBe('contact-site-contact-handler-eu-west-1-5b64942d');
    for (const key of REGIONAL) expect(euWest1[key]).toBe(TODAY[key as keyof typeof TODAY]);
  });

  it('gives two other regions different names', () => {
    const euWest1 = names(synthExample(() => ({ region: 'eu-west-1' })));
    const apSoutheast2 = names(synthExample(() => ({ region: 'ap-southeast-2' })));
    for (const key of GLOBAL) expect(apSoutheast2[key]).not.toBe(euWest1[key]);
  });

  it('puts the same rule into a Terraform expression when the region is a variable', () => {
    const doc = synthExample((stack) => ({ region: new TerraformVariable(stack, 'region', { type: 'string' }).stringValue }));
    const byVariable = names(doc);
    const part = '${(var.region == "us-east-1") ? "" : "-${var.region}"}';
    // In us-east-1 the expression is "": the names of today; elsewhere "-<region>", as with a literal region.
    expect(byVariable['aws_iam_role.function-role']).toBe(`contact-site-contact-handler${part}-5b64942d`);
    for (const key of GLOBAL) {
      expect(byVariable[key]).toBe(TODAY[key as keyof typeof TODAY].replace(/-([0-9a-f]{8})$/, `${part}-$1`));
    }
    for (const key of REGIONAL) expect(byVariable[key]).toBe(TODAY[key as keyof typeof TODAY]);
  });

  it('reads the region from an aws_region data source when the provider has none', () => {
    const doc = synthExample(() => ({}));
    expect(Object.keys(doc.data!.aws_region)).toContain('account-unique-names-region');
    expect(names(doc)['aws_iam_role.function-role']).toBe(
      'contact-site-contact-handler${(data.aws_region.account-unique-names-region.region == "us-east-1") ? "" : "-${data.aws_region.account-unique-names-region.region}"}-5b64942d',
    );
  });

  it('replaces a renamed CloudFront function and function role by creating the new one first', () => {
    const doc = synthExample(() => ({ region: 'eu-west-1' }));
    for (const type of ['aws_cloudfront_function', 'aws_iam_role', 'aws_iam_role_policy']) {
      const resource = Object.entries(doc.resource[type]).find(([name]) => /viewer-request|function-role|function-policy/.test(name))!;
      expect(resource[1].lifecycle).toEqual({ create_before_destroy: true });
    }
  });
});
