/**
 * CorsPreflight's props and {@link resolveCorsPreflightProps}, which checks them all and turns them
 * into the settings the construct is built from.
 */
import { CorsConfig, resolveCorsConfig, validatePreflightStatus } from './internal/cors';
import { PropChecks, PropError } from './internal/validate';

/** Props of {@link CorsPreflight}. */
export interface CorsPreflightProps {
  /**
   * Id of the REST API (`aws_api_gateway_rest_api.id`, e.g. `restApi.id`), of any REST API.
   */
  readonly restApiId: string;

  /**
   * Id of the resource to answer preflights on: `resource.id` of an `aws_api_gateway_resource`,
   * or `restApi.rootResourceId` for the API's root `/`.
   */
  readonly resourceId: string;

  /**
   * Origins allowed to call the resource, each `http(s)://host[:port]` with no path or trailing
   * slash, or `['*']` alone for any origin. Normalised (lowercase, default port dropped). With
   * several origins the preflight echoes the request's `Origin` when it is any one of them and
   * sends no `Access-Control-Allow-Origin` otherwise, with `Vary: Origin`.
   */
  readonly allowOrigins: string[];

  /**
   * Methods sent in `Access-Control-Allow-Methods`: any of GET, HEAD, POST, PUT, PATCH, DELETE,
   * OPTIONS, in any case. `OPTIONS` is always added.
   * @default ['POST', 'OPTIONS']
   */
  readonly allowMethods?: string[];

  /**
   * Request headers sent in `Access-Control-Allow-Headers` (an empty list omits the header).
   * AWS CDK's defaults are `Content-Type, X-Amz-Date, Authorization, X-Api-Key, X-Amz-Security-Token`.
   * @default ['Content-Type', 'Idempotency-Key']
   */
  readonly allowHeaders?: string[];

  /**
   * Response headers the browser may expose to scripts, sent in `Access-Control-Expose-Headers`
   * on the gateway error responses (a preflight response ignores it; the integration's own
   * responses must send it themselves).
   * @default [] (no header)
   */
  readonly exposeHeaders?: string[];

  /**
   * Seconds a browser may cache the preflight (`Access-Control-Max-Age`), an integer 0..86400.
   * @default 600
   */
  readonly maxAge?: number;

  /**
   * Sends `Access-Control-Allow-Credentials: true` (cookies / HTTP auth). Not allowed with `*`.
   * @default false
   */
  readonly allowCredentials?: boolean;

  /**
   * Status of the preflight response: any 2xx.
   * @default 204
   */
  readonly preflightStatusCode?: number;

  /**
   * Also creates the REST API's `DEFAULT_4XX` and `DEFAULT_5XX` gateway responses with CORS
   * headers, so throttling (429), missing-auth (403) and integration errors (5xx) reach the
   * browser as readable errors instead of CORS failures. Gateway responses belong to the whole
   * REST API: enable this on one `CorsPreflight` per REST API only (Terraform would otherwise
   * manage the same gateway response twice). Include these resources in the deployment's
   * redeploy triggers.
   * @default false
   */
  readonly gatewayResponses?: boolean;
}

const CONSTRUCT = 'CorsPreflight';

/** The props with their defaults applied, checked: what the construct is built from. */
export interface CorsPreflightSettings {
  readonly config: CorsConfig;
  readonly preflightStatusCode: number;
  readonly gatewayResponses: boolean;
}

/** Checks every prop (all problems in one PropError) and applies the defaults. */
export function resolveCorsPreflightProps(props: CorsPreflightProps): CorsPreflightSettings {
  const checks = new PropChecks(CONSTRUCT);
  const config = checks.check(() => resolveCorsConfig(props, CONSTRUCT), undefined);
  const preflightStatusCode = checks.check(() => validatePreflightStatus(props.preflightStatusCode, CONSTRUCT, 'preflightStatusCode'), 0);
  const gatewayResponses = props.gatewayResponses ?? false;
  checks.check(() => {
    if (typeof gatewayResponses !== 'boolean') throw new PropError(CONSTRUCT, 'gatewayResponses', 'must be a boolean');
  });
  checks.throwIfAny();
  return { config: config!, preflightStatusCode, gatewayResponses };
}
