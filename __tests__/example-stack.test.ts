import { App, Testing } from 'cdktf';
import { ContactSiteStack, ExampleConfig, readConfig } from '../main';
import { dependencyGraph, findCycle } from './support/graph';
import { addressOf, onlyResource, resourcesOf, TerraformDocument } from './support/synth';

const NO_DOMAIN: ExampleConfig = { region: 'us-east-1', redirectDomainNames: [], stateKey: 'contact-site/terraform.tfstate' };
const WITH_DOMAIN: ExampleConfig = {
  ...NO_DOMAIN,
  region: 'eu-west-1',
  domainName: 'www.example.com',
  hostedZoneName: 'example.com',
  redirectDomainNames: ['example.com'],
};

function synthExample(config: ExampleConfig): { doc: TerraformDocument; stack: ContactSiteStack } {
  const stack = new ContactSiteStack(Testing.app(), 'contact-site', config);
  return { doc: JSON.parse(Testing.synth(stack)), stack };
}

describe('the example stack', () => {
  const { doc } = synthExample(NO_DOMAIN);
  const distribution = addressOf(doc, 'aws_cloudfront_distribution');
  const restApi = addressOf(doc, 'aws_api_gateway_rest_api');

  it('holds the whole site and API', () => {
    for (const type of [
      'aws_s3_bucket',
      'aws_cloudfront_distribution',
      'aws_dynamodb_table',
      'aws_lambda_function',
      'aws_api_gateway_rest_api',
      'aws_api_gateway_stage',
    ]) {
      expect(Object.keys(resourcesOf(doc, type))).toHaveLength(1);
    }
  });

  it("makes the site's own origin the API's only allowed origin", () => {
    const fn = onlyResource(doc, 'aws_lambda_function');
    expect(fn.environment.variables.ALLOWED_ORIGINS).toBe(`https://\${${distribution}.domain_name}`);
    expect(onlyResource(doc, 'aws_api_gateway_integration_response').response_parameters['method.response.header.Access-Control-Allow-Origin']).toBe(
      `'https://\${${distribution}.domain_name}'`,
    );
  });

  it('tells the site the API URL through config.json, written by Terraform from the stage', () => {
    const config = Object.values(resourcesOf(doc, 'aws_s3_object')).find((o) => o.key === 'config.json');
    expect(JSON.parse(config!.content)).toEqual({ contactEndpoint: `\${${addressOf(doc, 'aws_api_gateway_stage')}.invoke_url}/contact` });
    expect(JSON.stringify(doc)).not.toMatch(/https:\/\/[a-z0-9]{10}\.execute-api\./);
  });

  it("lets the site's pages call the API under its Content-Security-Policy", () => {
    const csp: string = onlyResource(doc, 'aws_cloudfront_response_headers_policy').security_headers_config.content_security_policy.content_security_policy;
    const apiOrigin = `https://\${${restApi}.id}.execute-api.\${${addressOf(doc, 'aws_region', 'data')}.region}.amazonaws.com`;
    expect(csp).toContain(`connect-src 'self' ${apiOrigin}`);
    expect(csp).toContain(`form-action 'self' ${apiOrigin}`);
  });

  it('has no dependency cycle, with or without a domain', () => {
    expect(findCycle(dependencyGraph(doc))).toBeUndefined();
    expect(findCycle(dependencyGraph(synthExample(WITH_DOMAIN).doc))).toBeUndefined();
  });

  it('allows every name of the site when it has a domain', () => {
    const withDomain = synthExample(WITH_DOMAIN).doc;
    expect(onlyResource(withDomain, 'aws_lambda_function').environment.variables.ALLOWED_ORIGINS).toBe('https://www.example.com,https://example.com');
  });

  it('can be exported as plain HCL (the exit path off CDKTF)', () => {
    const hcl = Testing.synthHcl(new ContactSiteStack(Testing.app(), 'contact-site', NO_DOMAIN));
    expect(hcl).toMatch(/resource "aws_cloudfront_distribution" "site_distribution_[0-9A-F]+" \{/);
    expect(hcl).toMatch(/resource "aws_api_gateway_deployment" "contact_deployment_[0-9A-F]+" \{/);
    expect(hcl).toContain('create_before_destroy = true');
  });
});

describe('the example configuration', () => {
  it('has a default for everything', () => {
    expect(readConfig(new App(), {})).toEqual({
      region: 'us-east-1',
      redirectDomainNames: [],
      stateKey: 'contact-site/terraform.tfstate',
      domainName: undefined,
      hostedZoneId: undefined,
      hostedZoneName: undefined,
      stateBucket: undefined,
      stateRegion: undefined,
      deletionProtection: true,
    });
  });

  it("turns the table's deletion protection off only when asked, and refuses anything but true or false", () => {
    expect(readConfig(new App(), { DELETION_PROTECTION: 'false' }).deletionProtection).toBe(false);
    expect(readConfig(new App({ context: { deletionProtection: false } }), {}).deletionProtection).toBe(false);
    expect(() => readConfig(new App(), { DELETION_PROTECTION: 'no' })).toThrow('deletionProtection (DELETION_PROTECTION) must be "true" or "false", got "no"');
    const table = onlyResource(synthExample({ ...NO_DOMAIN, deletionProtection: false }).doc, 'aws_dynamodb_table');
    expect(table.deletion_protection_enabled).toBe(false);
  });

  it('prefers cdktf context to the environment', () => {
    const app = new App({ context: { domainName: 'www.from-context.com' } });
    const config = readConfig(app, { DOMAIN_NAME: 'www.from-env.com', REDIRECT_DOMAIN_NAMES: ' a.example.com, b.example.com ,' });
    expect(config.domainName).toBe('www.from-context.com');
    expect(config.redirectDomainNames).toEqual(['a.example.com', 'b.example.com']);
  });
});

describe('the dependency cycle check', () => {
  it('finds a cycle through references and depends_on', () => {
    const doc: TerraformDocument = {
      resource: {
        aws_a: { one: { x: '${aws_b.two.id}' } },
        aws_b: { two: { depends_on: ['aws_c.three'] } },
        aws_c: { three: { y: ['prefix-${aws_a.one.arn}'] } },
      },
    };
    expect(findCycle(dependencyGraph(doc))).toEqual(['aws_a.one', 'aws_b.two', 'aws_c.three', 'aws_a.one']);
    delete doc.resource.aws_c.three.y;
    expect(findCycle(dependencyGraph(doc))).toBeUndefined();
  });
});
