import { Lazy, TerraformStack, TerraformVariable, Testing } from 'cdktf';
// Types of cdktf's jest matchers (the runtime side is Testing.setupJest() in setup.ts).
import type {} from 'cdktf/lib/testing/adapters/jest';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ApiGatewayGatewayResponse } from '@cdktf/provider-aws/lib/api-gateway-gateway-response';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayIntegrationResponse } from '@cdktf/provider-aws/lib/api-gateway-integration-response';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayMethodResponse } from '@cdktf/provider-aws/lib/api-gateway-method-response';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { CorsPreflight, CorsPreflightProps } from '../constructs/cors-preflight';
import { corsOriginTemplate, validateOrigins } from '../constructs/internal/cors';
import { evaluateVtl } from '../preview/vtl';

type Resources = Record<string, Record<string, Record<string, any>>>;

const BASE: CorsPreflightProps = { restApiId: 'api-id', resourceId: 'res-id', allowOrigins: ['https://example.com'] };

function synth(props: Partial<CorsPreflightProps> = {}): { json: Resources; cors: CorsPreflight } {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  const cors = new CorsPreflight(stack, 'cors', { ...BASE, ...props });
  return { json: (JSON.parse(Testing.synth(stack)) as { resource: Resources }).resource, cors };
}

function one(json: Resources, type: string): Record<string, any> {
  const all = Object.values(json[type] ?? {});
  expect(all).toHaveLength(1);
  return all[0];
}

function build(props: Partial<CorsPreflightProps>): () => CorsPreflight {
  return () => new CorsPreflight(new TerraformStack(Testing.app(), 'stack'), 'cors', { ...BASE, ...props });
}

describe('CorsPreflight resources', () => {
  test('an OPTIONS method without authorization or API key', () => {
    const out = Testing.synthScope((scope) => new CorsPreflight(scope, 'cors', BASE));
    expect(out).toHaveResourceWithProperties(ApiGatewayMethod, {
      rest_api_id: 'api-id',
      resource_id: 'res-id',
      http_method: 'OPTIONS',
      authorization: 'NONE',
      api_key_required: false,
    });
  });

  test('a MOCK integration with the {"statusCode": 200} request template', () => {
    const { json } = synth();
    const integration = one(json, 'aws_api_gateway_integration');
    expect(integration).toEqual({
      rest_api_id: 'api-id',
      resource_id: 'res-id',
      http_method: expect.stringMatching(/^\$\{aws_api_gateway_method\.cors_method_[0-9A-F]+\.http_method\}$/),
      type: 'MOCK',
      request_templates: { 'application/json': '{"statusCode": 200}' },
    });
  });

  test('defaults: 204, one static origin, POST+OPTIONS, Content-Type+Idempotency-Key, 10 minutes', () => {
    const { json } = synth();
    expect(one(json, 'aws_api_gateway_method_response')).toMatchObject({
      status_code: '204',
      response_parameters: {
        'method.response.header.Access-Control-Allow-Origin': true,
        'method.response.header.Access-Control-Allow-Methods': true,
        'method.response.header.Access-Control-Allow-Headers': true,
        'method.response.header.Access-Control-Max-Age': true,
      },
    });
    const integrationResponse = one(json, 'aws_api_gateway_integration_response');
    expect(integrationResponse.status_code).toBe('204');
    expect(integrationResponse.response_parameters).toEqual({
      'method.response.header.Access-Control-Allow-Origin': "'https://example.com'",
      'method.response.header.Access-Control-Allow-Methods': "'POST,OPTIONS'",
      'method.response.header.Access-Control-Allow-Headers': "'Content-Type,Idempotency-Key'",
      'method.response.header.Access-Control-Max-Age': "'600'",
    });
    expect(integrationResponse).not.toHaveProperty('response_templates');
    expect(json).not.toHaveProperty('aws_api_gateway_gateway_response');
  });

  test('the method response declares exactly the headers the integration response sets', () => {
    for (const props of [{}, { allowOrigins: ['https://a.example', 'https://b.example'], allowCredentials: true }, { allowOrigins: ['*'], allowHeaders: [] }]) {
      const { json } = synth(props);
      const declared = Object.keys(one(json, 'aws_api_gateway_method_response').response_parameters).sort();
      const set = Object.keys(one(json, 'aws_api_gateway_integration_response').response_parameters);
      // With several origins, Allow-Origin is declared but set by the template only.
      const expected = props.allowOrigins?.length === 2 ? [...set, 'method.response.header.Access-Control-Allow-Origin'] : set;
      expect(declared).toEqual(expected.sort());
    }
  });

  test('depends_on: the integration response waits for the integration and the method response', () => {
    const { json } = synth();
    const [integrationName] = Object.keys(json.aws_api_gateway_integration);
    const [methodResponseName] = Object.keys(json.aws_api_gateway_method_response);
    const [methodName] = Object.keys(json.aws_api_gateway_method);
    expect(one(json, 'aws_api_gateway_integration_response').depends_on).toEqual([
      `aws_api_gateway_integration.${integrationName}`,
      `aws_api_gateway_method_response.${methodResponseName}`,
    ]);
    // The integration and the method response depend on the method through a reference.
    const methodRef = `\${aws_api_gateway_method.${methodName}.http_method}`;
    expect(one(json, 'aws_api_gateway_integration').http_method).toBe(methodRef);
    expect(one(json, 'aws_api_gateway_method_response').http_method).toBe(methodRef);
    expect(one(json, 'aws_api_gateway_integration_response').http_method).toBe(methodRef);
  });

  test('several origins: no first-origin fallback, the template echoes, Vary: Origin', () => {
    const { json } = synth({ allowOrigins: ['https://a.example', 'https://b.example'] });
    const methodResponse = one(json, 'aws_api_gateway_method_response');
    expect(methodResponse.response_parameters['method.response.header.Access-Control-Allow-Origin']).toBe(true);
    expect(methodResponse.response_parameters['method.response.header.Vary']).toBe(true);
    const integrationResponse = one(json, 'aws_api_gateway_integration_response');
    expect(integrationResponse.response_parameters).not.toHaveProperty('method.response.header.Access-Control-Allow-Origin');
    expect(integrationResponse.response_parameters['method.response.header.Vary']).toBe("'Origin'");
    const template: string = integrationResponse.response_templates['application/json'];
    expect(template).toContain("$origin == 'https://a.example' || $origin == 'https://b.example'");
    expect(template).toContain('$context.responseOverride.header.Access-Control-Allow-Origin = $origin');
  });

  test('a single origin sends no Vary; `*` sends a static `*` and no template', () => {
    const single = synth().json;
    expect(one(single, 'aws_api_gateway_method_response').response_parameters).not.toHaveProperty('method.response.header.Vary');
    const any = synth({ allowOrigins: ['*'] }).json;
    const integrationResponse = one(any, 'aws_api_gateway_integration_response');
    expect(integrationResponse.response_parameters['method.response.header.Access-Control-Allow-Origin']).toBe("'*'");
    expect(integrationResponse.response_parameters).not.toHaveProperty('method.response.header.Vary');
    expect(integrationResponse).not.toHaveProperty('response_templates');
  });

  test('custom methods, headers, max age, credentials and status', () => {
    const { json } = synth({
      allowOrigins: ['HTTPS://App.Example.COM:443', 'http://localhost:3000'],
      allowMethods: ['get', 'PUT', 'Get', 'delete'],
      allowHeaders: ['Content-Type', 'Authorization', 'content-type'],
      maxAge: 0,
      allowCredentials: true,
      preflightStatusCode: 200,
    });
    expect(one(json, 'aws_api_gateway_method_response').status_code).toBe('200');
    const integrationResponse = one(json, 'aws_api_gateway_integration_response');
    expect(integrationResponse.status_code).toBe('200');
    expect(integrationResponse.response_parameters).toEqual({
      'method.response.header.Access-Control-Allow-Methods': "'GET,PUT,DELETE,OPTIONS'",
      'method.response.header.Access-Control-Allow-Headers': "'Content-Type,Authorization'",
      'method.response.header.Access-Control-Max-Age': "'0'",
      'method.response.header.Access-Control-Allow-Credentials': "'true'",
      'method.response.header.Vary': "'Origin'",
    });
    // Origins are compared in their normalised (browser) form.
    expect(integrationResponse.response_templates['application/json']).toContain("$origin == 'https://app.example.com' || $origin == 'http://localhost:3000'");
  });

  test('an empty allowHeaders omits Access-Control-Allow-Headers', () => {
    const { json } = synth({ allowHeaders: [] });
    expect(one(json, 'aws_api_gateway_method_response').response_parameters).not.toHaveProperty('method.response.header.Access-Control-Allow-Headers');
    expect(one(json, 'aws_api_gateway_integration_response').response_parameters).not.toHaveProperty('method.response.header.Access-Control-Allow-Headers');
  });

  test('exposes every resource, with stable construct ids', () => {
    const { cors } = synth({ gatewayResponses: true });
    expect(cors.method).toBeInstanceOf(ApiGatewayMethod);
    expect(cors.integration).toBeInstanceOf(ApiGatewayIntegration);
    expect(cors.methodResponse).toBeInstanceOf(ApiGatewayMethodResponse);
    expect(cors.integrationResponse).toBeInstanceOf(ApiGatewayIntegrationResponse);
    expect(cors.gatewayResponse4xx).toBeInstanceOf(ApiGatewayGatewayResponse);
    expect(cors.gatewayResponse5xx).toBeInstanceOf(ApiGatewayGatewayResponse);
    expect(cors.node.children.map((c) => c.node.id)).toEqual([
      'method',
      'integration',
      'method-response',
      'integration-response',
      'gateway-response-4xx',
      'gateway-response-5xx',
    ]);
    expect(cors.config.origins).toEqual(['https://example.com']);
    expect(cors.preflightStatusCode).toBe(204);
  });
});

describe('CorsPreflight gateway responses', () => {
  test('off by default', () => {
    const { cors, json } = synth();
    expect(cors.gatewayResponse4xx).toBeUndefined();
    expect(cors.gatewayResponse5xx).toBeUndefined();
    expect(json.aws_api_gateway_gateway_response).toBeUndefined();
  });

  test('DEFAULT_4XX and DEFAULT_5XX with the static origin, keeping the real status code', () => {
    const { json } = synth({ gatewayResponses: true, exposeHeaders: ['X-Request-Id'] });
    const responses = Object.values(json.aws_api_gateway_gateway_response);
    expect(responses.map((r) => r.response_type).sort()).toEqual(['DEFAULT_4XX', 'DEFAULT_5XX']);
    for (const r of responses) {
      expect(r.rest_api_id).toBe('api-id');
      expect(r).not.toHaveProperty('status_code'); // a 429 stays a 429
      expect(r.response_parameters).toEqual({
        'gatewayresponse.header.Access-Control-Allow-Origin': "'https://example.com'",
        'gatewayresponse.header.Access-Control-Expose-Headers': "'X-Request-Id'",
      });
    }
  });

  test('several origins: echo the request Origin with Vary; credentials when allowed', () => {
    const { json } = synth({
      gatewayResponses: true,
      allowOrigins: ['https://a.example', 'https://b.example'],
      allowCredentials: true,
    });
    for (const r of Object.values(json.aws_api_gateway_gateway_response)) {
      expect(r.response_parameters).toEqual({
        'gatewayresponse.header.Access-Control-Allow-Origin': 'method.request.header.Origin',
        'gatewayresponse.header.Access-Control-Allow-Credentials': "'true'",
        'gatewayresponse.header.Vary': "'Origin'",
      });
    }
  });

  test('`*`', () => {
    const { json } = synth({ gatewayResponses: true, allowOrigins: ['*'] });
    for (const r of Object.values(json.aws_api_gateway_gateway_response)) {
      expect(r.response_parameters).toEqual({ 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" });
    }
  });
});

describe('CorsPreflight on a REST API of its own', () => {
  class OrdersStack extends TerraformStack {
    readonly api: ApiGatewayRestApi;
    constructor(scope: Construct, id: string) {
      super(scope, id);
      new AwsProvider(this, 'aws', { region: 'eu-west-1' });
      this.api = new ApiGatewayRestApi(this, 'api', { name: 'orders' });
      const orders = new ApiGatewayResource(this, 'orders', {
        restApiId: this.api.id,
        parentId: this.api.rootResourceId,
        pathPart: 'orders',
      });
      new CorsPreflight(this, 'orders-cors', {
        restApiId: this.api.id,
        resourceId: orders.id,
        allowOrigins: ['https://shop.example.com', 'https://admin.example.com'],
        allowMethods: ['GET', 'POST'],
        gatewayResponses: true,
      });
      new CorsPreflight(this, 'root-cors', {
        restApiId: this.api.id,
        resourceId: this.api.rootResourceId,
        allowOrigins: ['https://shop.example.com'],
      });
    }
  }

  test('wires to the stack’s own API and resources by reference, two preflights side by side', () => {
    const stack = new OrdersStack(Testing.app(), 'orders');
    const synthesized = Testing.synth(stack);
    expect(synthesized).toHaveResourceWithProperties(ApiGatewayRestApi, { name: 'orders' });
    const json = (JSON.parse(synthesized) as { resource: Resources }).resource;
    const apiRef = '${aws_api_gateway_rest_api.api.id}';
    const methods = Object.values(json.aws_api_gateway_method);
    expect(methods).toHaveLength(2);
    expect(methods.map((m) => m.resource_id).sort()).toEqual(['${aws_api_gateway_resource.orders.id}', '${aws_api_gateway_rest_api.api.root_resource_id}']);
    for (const type of ['aws_api_gateway_method', 'aws_api_gateway_integration', 'aws_api_gateway_method_response', 'aws_api_gateway_integration_response']) {
      expect(Object.keys(json[type])).toHaveLength(2);
      for (const r of Object.values(json[type])) expect(r.rest_api_id).toBe(apiRef);
    }
    const gateway = Object.values(json.aws_api_gateway_gateway_response);
    expect(gateway).toHaveLength(2);
    for (const r of gateway) expect(r.rest_api_id).toBe(apiRef);
    const allowMethods = Object.values(json.aws_api_gateway_integration_response).map(
      (r) => r.response_parameters['method.response.header.Access-Control-Allow-Methods'],
    );
    expect(allowMethods.sort()).toEqual(["'GET,POST,OPTIONS'", "'POST,OPTIONS'"]);
  });

  test('works through Testing.synthScope as any other construct', () => {
    const out = Testing.synthScope((scope) => {
      const api = new ApiGatewayRestApi(scope, 'api', { name: 'x' });
      new CorsPreflight(scope, 'cors', { restApiId: api.id, resourceId: api.rootResourceId, allowOrigins: ['*'] });
    });
    expect(out).toHaveResourceWithProperties(ApiGatewayIntegration, { type: 'MOCK', rest_api_id: '${aws_api_gateway_rest_api.api.id}' });
  });
});

describe('CorsPreflight with a Terraform reference among literal origins', () => {
  function synthWithReference(): Resources {
    const stack = new TerraformStack(Testing.app(), 'stack');
    const host = new TerraformVariable(stack, 'site_host', { type: 'string' });
    new CorsPreflight(stack, 'cors', { ...BASE, allowOrigins: [`https://${host.stringValue}`, 'http://localhost:3000'], gatewayResponses: true });
    return (JSON.parse(Testing.synth(stack)) as { resource: Resources }).resource;
  }

  test('synthesizes: the template compares with the reference (Terraform fills it in) and with the literal', () => {
    const json = synthWithReference();
    const template: string = one(json, 'aws_api_gateway_integration_response').response_templates['application/json'];
    expect(template).toContain("$origin == 'https://${var.site_host}'");
    expect(template).toContain("$origin == 'http://localhost:3000'");
    // As API Gateway runs it, once Terraform has put the value in.
    const deployed = template.replace('${var.site_host}', 'd111111abcdef8.cloudfront.net');
    for (const origin of ['https://d111111abcdef8.cloudfront.net', 'http://localhost:3000']) {
      expect(evaluateVtl(deployed, { Origin: origin }).headerOverrides).toEqual({ 'Access-Control-Allow-Origin': origin });
    }
    expect(evaluateVtl(deployed, { Origin: 'https://evil.example' }).headerOverrides).toEqual({});
    for (const r of Object.values(json.aws_api_gateway_gateway_response)) {
      expect(r.response_parameters['gatewayresponse.header.Access-Control-Allow-Origin']).toBe('method.request.header.Origin');
      expect(r.response_parameters['gatewayresponse.header.Vary']).toBe("'Origin'");
    }
  });

  test('the literal text around a reference is still checked for quotes', () => {
    const host = Lazy.stringValue({ produce: () => 'example.com' });
    expect(() => corsOriginTemplate([`https://${host}'`, 'https://a.example'])).toThrow(/unsafe origin/);
    expect(() => corsOriginTemplate([`https://${host}`, 'https://a.example'])).not.toThrow();
  });
});

describe('CorsPreflight invalid props fail at construction, naming the prop', () => {
  test.each<[string, Partial<CorsPreflightProps>, RegExp]>([
    ['empty origin list', { allowOrigins: [] }, /^CorsPreflight: allowOrigins must not be empty$/],
    ['`*` mixed with origins', { allowOrigins: ['*', 'https://a.example'] }, /CorsPreflight: allowOrigins "\*" cannot be mixed/],
    [
      'trailing slash',
      { allowOrigins: ['https://example.com/'] },
      /CorsPreflight: allowOrigins "https:\/\/example.com\/" is not an origin \(scheme:\/\/host\[:port\], no path or trailing slash\)/,
    ],
    ['a path', { allowOrigins: ['https://example.com/app'] }, /CorsPreflight: allowOrigins "https:\/\/example.com\/app" is not an origin/],
    ['a later bad origin', { allowOrigins: ['https://a.example', 'example.com'] }, /CorsPreflight: allowOrigins "example.com" is not an origin/],
    ['a query', { allowOrigins: ['https://example.com?x=1'] }, /allowOrigins .* is not an origin/],
    ['user info', { allowOrigins: ['https://user@example.com'] }, /allowOrigins .* is not an origin/],
    ['another scheme', { allowOrigins: ['ftp://example.com'] }, /allowOrigins .* is not an origin/],
    ['port 0', { allowOrigins: ['https://example.com:0'] }, /allowOrigins .* is not an origin/],
    ['port 65536', { allowOrigins: ['https://example.com:65536'] }, /allowOrigins .* is not an origin/],
    ['a bad IPv4', { allowOrigins: ['http://999.1.1.1'] }, /allowOrigins .* is not an origin/],
    ['a bad IPv6', { allowOrigins: ['http://[::g]'] }, /allowOrigins .* is not an origin/],
    ['the `null` origin', { allowOrigins: ['null'] }, /allowOrigins "null" is not an origin/],
    ['a trailing dot', { allowOrigins: ['https://example.com.'] }, /allowOrigins .* is not an origin/],
    ['credentials with `*`', { allowOrigins: ['*'], allowCredentials: true }, /CorsPreflight: allowCredentials cannot be true when allowOrigins is "\*"/],
    ['an unknown method', { allowMethods: ['POST', 'CONNECT'] }, /CorsPreflight: allowMethods has an unknown method "CONNECT"/],
    ['API Gateway’s ANY', { allowMethods: ['ANY'] }, /CorsPreflight: allowMethods has an unknown method "ANY"/],
    ['a header list in one string', { allowHeaders: ['Content-Type, X-Foo'] }, /CorsPreflight: allowHeaders "Content-Type, X-Foo" is not a header name/],
    ['a quote in a header', { exposeHeaders: ["X-'a"] }, /CorsPreflight: exposeHeaders .* is not a header name/],
    ['`*` headers with credentials', { allowHeaders: ['*'], allowCredentials: true }, /CorsPreflight: allowHeaders\/exposeHeaders cannot be "\*"/],
    ['negative maxAge', { maxAge: -1 }, /CorsPreflight: maxAge must be an integer/],
    ['fractional maxAge', { maxAge: 1.5 }, /CorsPreflight: maxAge must be an integer/],
    ['maxAge above a day', { maxAge: 86_401 }, /CorsPreflight: maxAge must be an integer .* got 86401/],
    ['a 3xx preflight status', { preflightStatusCode: 301 }, /CorsPreflight: preflightStatusCode must be a 2xx status code/],
    ['a 4xx preflight status', { preflightStatusCode: 404 }, /CorsPreflight: preflightStatusCode must be a 2xx/],
  ])('%s', (_name, props, message) => {
    expect(build(props)).toThrow(message);
  });

  test('valid edge cases are accepted', () => {
    expect(build({ maxAge: 86_400, preflightStatusCode: 200 })).not.toThrow();
    expect(build({ allowMethods: [] })().config.methods).toEqual(['OPTIONS']);
    expect(build({ allowHeaders: ['*'] })().config.allowHeaders).toEqual(['*']);
  });
});

describe('validateOrigins (shared with ContactApi)', () => {
  test('normalises to the browser form and deduplicates', () => {
    expect(
      validateOrigins(
        [
          'HTTPS://Example.COM:443',
          'https://example.com',
          'http://localhost:3000',
          'http://LOCALHOST:80',
          'http://127.0.0.1:8080',
          'http://[0:0:0:0:0:0:0:1]:8080',
          'https://xn--bcher-kva.example',
        ],
        'ContactApi',
        'allowedOrigins',
      ),
    ).toEqual([
      'https://example.com',
      'http://localhost:3000',
      'http://localhost',
      'http://127.0.0.1:8080',
      'http://[::1]:8080',
      'https://xn--bcher-kva.example',
    ]);
  });

  test('uses the given prop name in its errors', () => {
    expect(() => validateOrigins([], 'ContactApi', 'allowedOrigins')).toThrow(/^ContactApi: allowedOrigins must not be empty$/);
    expect(() => validateOrigins(['https://bücher.example'], 'ContactApi', 'allowedOrigins')).toThrow(
      /^ContactApi: allowedOrigins "https:\/\/bücher.example" is not an origin/,
    );
    expect(() => validateOrigins(['https://-bad.example'], 'X', 'allowOrigins')).toThrow(/^X: .* is not an origin/);
  });
});
