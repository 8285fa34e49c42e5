import { Construct } from 'constructs';
import { ApiGatewayGatewayResponse } from '@cdktf/provider-aws/lib/api-gateway-gateway-response';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayIntegrationResponse } from '@cdktf/provider-aws/lib/api-gateway-integration-response';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayMethodResponse } from '@cdktf/provider-aws/lib/api-gateway-method-response';
import { CorsPreflightProps, resolveCorsPreflightProps } from './cors-preflight-props';
import { suppressRule } from './internal/suppressions';
import {
  CorsConfig,
  corsOriginTemplate,
  gatewayResponseParameters,
  preflightHeaderNames,
  preflightHeaders,
  quoteHeaderValue,
  variesByOrigin,
} from './internal/cors';

export type { CorsPreflightProps } from './cors-preflight-props';

/**
 * Answers CORS preflight (`OPTIONS`) requests on one resource of a REST API with a `MOCK`
 * integration (no Lambda invocation), and optionally adds CORS headers to the API's gateway
 * error responses. Invalid props throw at construction, naming the prop.
 *
 * @example
 * const api = new ApiGatewayRestApi(this, 'api', { name: 'orders', lifecycle: { createBeforeDestroy: true } });
 * const orders = new ApiGatewayResource(this, 'orders', {
 *   restApiId: api.id, parentId: api.rootResourceId, pathPart: 'orders',
 * });
 * new CorsPreflight(this, 'orders-cors', {
 *   restApiId: api.id,
 *   resourceId: orders.id,
 *   allowOrigins: ['https://shop.example.com', 'https://admin.example.com'],
 *   allowMethods: ['GET', 'POST'],
 *   gatewayResponses: true,
 * });
 */
export class CorsPreflight extends Construct {
  /** The validated, normalised CORS configuration. */
  public readonly config: CorsConfig;
  /** The preflight response's status code. */
  public readonly preflightStatusCode: number;
  /** The `OPTIONS` method (authorization `NONE`, no API key). */
  public readonly method: ApiGatewayMethod;
  /** The `MOCK` integration. */
  public readonly integration: ApiGatewayIntegration;
  /** The method response declaring the CORS headers. */
  public readonly methodResponse: ApiGatewayMethodResponse;
  /** The integration response setting the CORS header values. */
  public readonly integrationResponse: ApiGatewayIntegrationResponse;
  /** The `DEFAULT_4XX` gateway response, when `gatewayResponses` is true. */
  public readonly gatewayResponse4xx?: ApiGatewayGatewayResponse;
  /** The `DEFAULT_5XX` gateway response, when `gatewayResponses` is true. */
  public readonly gatewayResponse5xx?: ApiGatewayGatewayResponse;

  constructor(scope: Construct, id: string, props: CorsPreflightProps) {
    super(scope, id);
    const settings = resolveCorsPreflightProps(props);
    this.config = settings.config;
    this.preflightStatusCode = settings.preflightStatusCode;
    const gatewayResponses = settings.gatewayResponses;
    const status = String(this.preflightStatusCode);

    this.method = new ApiGatewayMethod(this, 'method', {
      restApiId: props.restApiId,
      resourceId: props.resourceId,
      httpMethod: 'OPTIONS',
      authorization: 'NONE',
      apiKeyRequired: false,
    });
    // CKV_AWS_59 and AwsSolutions-COG4 exempt OPTIONS themselves; AwsSolutions-APIG4 does not.
    suppressRule(
      this.method,
      'AwsSolutions-APIG4',
      'CORS preflight: browsers send OPTIONS without credentials or custom headers (Fetch standard), so any authorizer would reject every ' +
        'preflight; the MOCK integration only returns the CORS headers and reaches no backend.',
    );
    suppressRule(
      this.method,
      'CKV2_AWS_53',
      'CORS preflight: it has no body, its headers are set by the browser, and the MOCK integration only answers with the CORS headers and reaches ' +
        'no backend, so there is nothing to validate.',
    );

    // `httpMethod` by reference: both depend on the method without an explicit depends_on.
    this.integration = new ApiGatewayIntegration(this, 'integration', {
      restApiId: props.restApiId,
      resourceId: props.resourceId,
      httpMethod: this.method.httpMethod,
      type: 'MOCK',
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
    });

    this.methodResponse = new ApiGatewayMethodResponse(this, 'method-response', {
      restApiId: props.restApiId,
      resourceId: props.resourceId,
      httpMethod: this.method.httpMethod,
      statusCode: status,
      responseParameters: Object.fromEntries(preflightHeaderNames(this.config).map((name) => [`method.response.header.${name}`, true])),
    });

    // With several origins Access-Control-Allow-Origin has no static mapping (no first-origin
    // fallback): the template overrides it, which API Gateway allows because the method response
    // declares it.
    this.integrationResponse = new ApiGatewayIntegrationResponse(this, 'integration-response', {
      restApiId: props.restApiId,
      resourceId: props.resourceId,
      httpMethod: this.method.httpMethod,
      statusCode: status,
      responseParameters: Object.fromEntries(
        Object.entries(preflightHeaders(this.config)).map(([name, value]) => [`method.response.header.${name}`, quoteHeaderValue(value)]),
      ),
      responseTemplates: variesByOrigin(this.config) ? { 'application/json': corsOriginTemplate(this.config.origins) } : undefined,
      // Without these, Terraform may create the integration response before the integration
      // ("NotFoundException: Invalid Integration identifier") or the method response.
      dependsOn: [this.integration, this.methodResponse],
    });

    if (gatewayResponses) {
      const responseParameters = gatewayResponseParameters(this.config);
      this.gatewayResponse4xx = new ApiGatewayGatewayResponse(this, 'gateway-response-4xx', {
        restApiId: props.restApiId,
        responseType: 'DEFAULT_4XX',
        responseParameters,
      });
      this.gatewayResponse5xx = new ApiGatewayGatewayResponse(this, 'gateway-response-5xx', {
        restApiId: props.restApiId,
        responseType: 'DEFAULT_5XX',
        responseParameters,
      });
    }
  }
}
