/**
 * What ContactApi's deployment and stage are made of: the access log format, and what a deployment
 * serves (the trigger that makes a new deployment exactly when that changes).
 */
import { ApiGatewayGatewayResponse } from '@cdktf/provider-aws/lib/api-gateway-gateway-response';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import type { CorsPreflight } from '../cors-preflight';

/** One JSON line per request; no request or response bodies (they hold personal data). */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integration.status',
  integrationLatency: '$context.integration.latency',
  integrationError: '$context.integration.error',
  errorMessage: '$context.error.message',
  errorType: '$context.error.responseType',
});

/**
 * What a deployment of the API serves, as Terraform values: every route's resource, method, integration and
 * response by id (a replaced one gets a new id) and the values that can change in place (authorization, the
 * integration's uri, the CORS header mappings and template, the gateway responses). The deployment's trigger is
 * its hash, as the provider's docs recommend: a value that is a reference (such as an allowed origin that is a
 * distribution's domain) redeploys when the referenced value changes, which a hash of the synthesized text misses.
 * Only attributes these resources set: one left unset (an authorizer id, gateway response templates) is null in
 * the state after create and "" or {} after the first refresh, so the hash would change with nothing changed.
 */
export function servedConfiguration(
  resource: ApiGatewayResource,
  post: ApiGatewayMethod,
  postIntegration: ApiGatewayIntegration,
  cors: CorsPreflight,
): unknown[] {
  const gatewayResponses = [cors.gatewayResponse4xx, cors.gatewayResponse5xx].filter((r): r is ApiGatewayGatewayResponse => r !== undefined);
  // [the attribute's value, the value configured for it]: listed only when configured.
  const ifSet = (...pairs: [unknown, unknown][]): unknown[] => pairs.filter(([, input]) => input !== undefined).map(([value]) => value);
  return [
    resource.id,
    post.id,
    postIntegration.id,
    cors.method.id,
    cors.integration.id,
    cors.methodResponse.id,
    cors.integrationResponse.id,
    ...gatewayResponses.map((response) => response.id),
    ...ifSet(
      [resource.pathPart, resource.pathPartInput],
      [post.authorization, post.authorizationInput],
      [post.apiKeyRequired, post.apiKeyRequiredInput],
      [postIntegration.type, postIntegration.typeInput],
      [postIntegration.integrationHttpMethod, postIntegration.integrationHttpMethodInput],
      [postIntegration.uri, postIntegration.uriInput],
      [cors.method.authorization, cors.method.authorizationInput],
      [cors.method.apiKeyRequired, cors.method.apiKeyRequiredInput],
      [cors.integration.type, cors.integration.typeInput],
      [cors.integration.requestTemplates, cors.integration.requestTemplatesInput],
      [cors.methodResponse.statusCode, cors.methodResponse.statusCodeInput],
      [cors.methodResponse.responseParameters, cors.methodResponse.responseParametersInput],
      [cors.integrationResponse.statusCode, cors.integrationResponse.statusCodeInput],
      [cors.integrationResponse.responseParameters, cors.integrationResponse.responseParametersInput],
      [cors.integrationResponse.responseTemplates, cors.integrationResponse.responseTemplatesInput],
      ...gatewayResponses.map((response): [unknown, unknown] => [response.responseParameters, response.responseParametersInput]),
    ),
  ];
}
