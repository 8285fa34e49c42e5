import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listSiteFiles } from '../constructs/internal/site-files';
import { SYNC_SCRIPT_NAME } from '../constructs/internal/site-sync';

/**
 * Reads a synthesized `cdk.tf.json` into the few facts the local preview serves from: the site's
 * objects, response headers, viewer-request function and error pages; the REST API's routes,
 * integrations, gateway responses and throttling; the Lambda function; the DynamoDB table.
 *
 * Values stay as synthesized, Terraform references included (`${aws_x.name.attr}`); the preview
 * maps them to local values with {@link Localizer} once it knows its ports.
 */

type Json = Record<string, unknown>;

export interface SiteObject {
  readonly key: string;
  /** Absolute path of the file (from `source`, relative to the stack folder), or undefined for `content`. */
  readonly sourcePath?: string;
  /** Inline content written by Terraform (e.g. config.json), Terraform references unresolved. */
  readonly content?: string;
  readonly contentType?: string;
  readonly cacheControl?: string;
}

export interface ErrorResponse {
  readonly errorCode: number;
  readonly responseCode?: number;
  readonly responsePagePath?: string;
}

export interface SiteModel {
  /** Object key -> object, for the bucket behind the distribution's origin. */
  readonly objects: ReadonlyMap<string, SiteObject>;
  readonly defaultRootObject?: string;
  /** Header name -> value of the response headers policy (references unresolved). */
  readonly responseHeaders: Readonly<Record<string, string>>;
  readonly customErrorResponses: readonly ErrorResponse[];
  /** Source of the viewer-request CloudFront function (cloudfront-js), when there is one. */
  readonly viewerRequestFunction?: string;
  readonly allowedMethods: readonly string[];
}

export interface IntegrationResponseModel {
  readonly statusCode: string;
  readonly selectionPattern?: string;
  readonly responseParameters: Readonly<Record<string, string>>;
  readonly responseTemplates: Readonly<Record<string, string>>;
}

export interface MethodModel {
  readonly httpMethod: string;
  readonly integration?: {
    readonly type: string;
    /** Address of the Lambda function (`aws_lambda_function.x`) of an AWS_PROXY integration. */
    readonly functionAddress?: string;
    readonly requestTemplates: Readonly<Record<string, string>>;
    readonly responses: readonly IntegrationResponseModel[];
  };
  /** Status code -> declared `method.response.header.*` names. */
  readonly methodResponses: ReadonlyMap<string, readonly string[]>;
}

export interface ResourceModel {
  /** Full path, e.g. `/contact` or `/items/{id}`. */
  readonly path: string;
  readonly methods: ReadonlyMap<string, MethodModel>;
}

export interface GatewayResponseModel {
  readonly responseType: string;
  readonly statusCode?: number;
  readonly responseParameters: Readonly<Record<string, string>>;
  readonly responseTemplates: Readonly<Record<string, string>>;
}

export interface ApiModel {
  readonly address: string;
  readonly stageName: string;
  readonly binaryMediaTypes: readonly string[];
  readonly resources: readonly ResourceModel[];
  /** By response type (`DEFAULT_4XX`, `THROTTLED`, ...). */
  readonly gatewayResponses: ReadonlyMap<string, GatewayResponseModel>;
  /** The stage's `*\/*` method settings, when throttling is set. */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
}

export interface FunctionModel {
  readonly address: string;
  readonly zipPath: string;
  /** `index.handler` style: file (without .js) and export. */
  readonly handler: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
}

export interface TableModel {
  readonly address: string;
  readonly name: string;
  readonly hashKey: string;
  readonly rangeKey?: string;
  readonly attributes: readonly { readonly name: string; readonly type: string }[];
}

export interface StackModel {
  readonly stackDir: string;
  readonly region: string;
  readonly site: SiteModel;
  readonly api: ApiModel;
  readonly functions: ReadonlyMap<string, FunctionModel>;
  readonly table: TableModel;
  /** The function a stream mapping feeds with the table's new items (ContactApi's `notify`), if there is one. */
  readonly notifierAddress?: string;
}

/** `${aws_x.name.attr}` (a whole reference) -> `aws_x.name` and `attr`; undefined for anything else. */
export function parseReference(value: unknown): { address: string; attribute: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/.exec(value);
  return match ? { address: match[1]!, attribute: match[2]! } : undefined;
}

function asRecord(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function asList(value: unknown): Json[] {
  if (Array.isArray(value)) return value.map(asRecord);
  return value === undefined || value === null ? [] : [asRecord(value)];
}

function stringRecord(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(asRecord(value)).map(([k, v]) => [k, String(v)]));
}

function str(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`preview: ${what} is missing from cdk.tf.json`);
  return value;
}

export function readStack(stackDir: string): StackModel {
  const file = join(stackDir, 'cdk.tf.json');
  let json: Json;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as Json;
  } catch (error) {
    throw new Error(`preview: cannot read ${file} (${(error as Error).message}); synthesize first (npm run synth)`, { cause: error });
  }
  return modelStack(json, stackDir);
}

export function modelStack(json: Json, stackDir: string): StackModel {
  const resources = asRecord(json.resource);
  const ofType = (type: string): Array<[string, Json]> => Object.entries(asRecord(resources[type])).map(([name, body]) => [`${type}.${name}`, asRecord(body)]);
  const single = (type: string): [string, Json] => {
    const all = ofType(type);
    if (all.length !== 1) throw new Error(`preview: expected exactly one ${type} in cdk.tf.json, found ${all.length}`);
    return all[0]!;
  };
  const byAddress = (address: string | undefined): Json | undefined => {
    if (address === undefined) return undefined;
    const [type, name] = address.split('.');
    return asRecord(asRecord(resources[type!])[name!]);
  };
  const providers = asList(asRecord(json.provider).aws);
  const region = String(providers.find((p) => p.alias === undefined)?.region ?? 'us-east-1');

  return {
    stackDir,
    region,
    site: modelSite(ofType, single, byAddress, stackDir),
    api: modelApi(ofType, single),
    functions: new Map(
      ofType('aws_lambda_function').map(([address, fn]) => {
        const zip = str(fn.filename, `${address}.filename`);
        return [
          address,
          {
            address,
            zipPath: join(stackDir, zip),
            handler: str(fn.handler, `${address}.handler`),
            environment: stringRecord(asRecord(asList(fn.environment)[0]).variables),
            timeoutSeconds: typeof fn.timeout === 'number' ? fn.timeout : 3,
          },
        ];
      }),
    ),
    table: modelTable(single('aws_dynamodb_table')),
    notifierAddress: streamConsumer(ofType, single('aws_dynamodb_table')[0]),
  };
}

/** The function of an event source mapping on `tableAddress`'s stream. */
function streamConsumer(ofType: OfType, tableAddress: string): string | undefined {
  for (const [, mapping] of ofType('aws_lambda_event_source_mapping')) {
    const source = parseReference(mapping.event_source_arn);
    const target = parseReference(mapping.function_name);
    if (source?.address === tableAddress && source.attribute === 'stream_arn' && target?.address.startsWith('aws_lambda_function.')) return target.address;
  }
  return undefined;
}

type OfType = (type: string) => Array<[string, Json]>;
type Single = (type: string) => [string, Json];

function modelSite(ofType: OfType, single: Single, byAddress: (a: string | undefined) => Json | undefined, stackDir: string): SiteModel {
  const [distributionAddress, distribution] = single('aws_cloudfront_distribution');
  const origin = asList(distribution.origin)[0];
  const behavior = asRecord(distribution.default_cache_behavior);
  if (origin === undefined) throw new Error(`preview: ${distributionAddress} has no origin`);
  // The origin's bucket: `${aws_s3_bucket.b.bucket_regional_domain_name}` -> aws_s3_bucket.b.
  const bucket = parseReference(origin.domain_name)?.address;
  const objects = new Map<string, SiteObject>();
  for (const [address, object] of ofType('aws_s3_object')) {
    if (bucket !== undefined && parseReference(object.bucket)?.address !== bucket) continue;
    const key = str(object.key, `${address}.key`);
    objects.set(key, {
      key,
      sourcePath: typeof object.source === 'string' ? join(stackDir, object.source) : undefined,
      content: typeof object.content === 'string' ? object.content : undefined,
      contentType: typeof object.content_type === 'string' ? object.content_type : undefined,
      cacheControl: typeof object.cache_control === 'string' ? object.cache_control : undefined,
    });
  }
  // StaticSite `upload: 'sync'`: no object per file, but a terraform_data whose local-exec runs the
  // sync script on the site asset folder, with the headers that listSiteFiles decides (as at synth).
  for (const [, data] of ofType('terraform_data')) {
    for (const provisioner of asList(data.provisioner)) {
      const command = asRecord(provisioner['local-exec']).command;
      const match = typeof command === 'string' ? syncCommand(command) : undefined;
      if (match === undefined || (bucket !== undefined && match.bucketAddress !== bucket)) continue;
      for (const file of listSiteFiles(join(stackDir, match.siteDir))) {
        if (objects.has(file.key)) continue; // a generated object of the same key wins, as the script keeps it
        objects.set(file.key, { key: file.key, sourcePath: file.absolutePath, contentType: file.contentType, cacheControl: file.cacheControl });
      }
    }
  }
  const policy = byAddress(parseReference(behavior.response_headers_policy_id)?.address);
  const viewerRequest = asList(behavior.function_association).find((f) => f.event_type === 'viewer-request');
  const fn = byAddress(parseReference(viewerRequest?.function_arn)?.address);
  return {
    objects,
    defaultRootObject: typeof distribution.default_root_object === 'string' ? distribution.default_root_object : undefined,
    responseHeaders: policy ? responseHeadersOf(policy) : {},
    customErrorResponses: asList(distribution.custom_error_response).map((e) => ({
      errorCode: Number(e.error_code),
      responseCode: e.response_code === undefined ? undefined : Number(e.response_code),
      responsePagePath: typeof e.response_page_path === 'string' ? e.response_page_path : undefined,
    })),
    viewerRequestFunction: typeof fn?.code === 'string' ? fn.code : undefined,
    allowedMethods: Array.isArray(behavior.allowed_methods) ? behavior.allowed_methods.map(String) : ['GET', 'HEAD'],
  };
}

/** `sh assets/.../site-sync.sh '${aws_s3_bucket.b.bucket}' assets/<site>` -> the bucket and the site folder. */
export function syncCommand(command: string): { bucketAddress: string; siteDir: string } | undefined {
  const script = SYNC_SCRIPT_NAME.replace(/[.]/g, '\\.');
  const match = new RegExp(`^sh \\S+/${script} '\\$\\{(aws_s3_bucket\\.[A-Za-z0-9_-]+)\\.bucket\\}' (\\S+)$`).exec(command);
  return match ? { bucketAddress: match[1]!, siteDir: match[2]! } : undefined;
}

/** The headers an `aws_cloudfront_response_headers_policy` adds, as CloudFront writes them. */
export function responseHeadersOf(policy: Json): Record<string, string> {
  const headers: Record<string, string> = {};
  const security = asRecord(policy.security_headers_config);
  const hsts = asList(security.strict_transport_security)[0];
  if (hsts) {
    headers['Strict-Transport-Security'] =
      `max-age=${Number(hsts.access_control_max_age_sec)}` +
      (hsts.include_subdomains === true ? '; includeSubDomains' : '') +
      (hsts.preload === true ? '; preload' : '');
  }
  if (asList(security.content_type_options)[0]) headers['X-Content-Type-Options'] = 'nosniff';
  const frame = asList(security.frame_options)[0];
  if (frame) headers['X-Frame-Options'] = String(frame.frame_option);
  const referrer = asList(security.referrer_policy)[0];
  if (referrer) headers['Referrer-Policy'] = String(referrer.referrer_policy);
  const csp = asList(security.content_security_policy)[0];
  if (csp) headers['Content-Security-Policy'] = String(csp.content_security_policy);
  const xss = asList(security.xss_protection)[0];
  if (xss) {
    headers['X-XSS-Protection'] =
      xss.protection === true ? `1${xss.mode_block === true ? '; mode=block' : ''}${xss.report_uri ? `; report=${String(xss.report_uri)}` : ''}` : '0';
  }
  for (const item of asList(asRecord(policy.custom_headers_config).items)) headers[String(item.header)] = String(item.value);
  return headers;
}

function modelApi(ofType: OfType, single: Single): ApiModel {
  const [apiAddress, api] = single('aws_api_gateway_rest_api');
  const [, stage] = single('aws_api_gateway_stage');
  const stageName = str(stage.stage_name, 'aws_api_gateway_stage.stage_name');

  // The resource tree: each resource's full path from its parent chain.
  const rawResources = new Map(ofType('aws_api_gateway_resource'));
  const paths = new Map<string, string>();
  const pathOf = (address: string, seen: Set<string> = new Set()): string => {
    const known = paths.get(address);
    if (known !== undefined) return known;
    const resource = rawResources.get(address);
    if (resource === undefined || seen.has(address)) throw new Error(`preview: unknown or cyclic API resource ${address}`);
    seen.add(address);
    const parent = parseReference(resource.parent_id);
    const parentPath = parent === undefined || parent.attribute === 'root_resource_id' ? '' : pathOf(parent.address, seen);
    const path = `${parentPath}/${str(resource.path_part, `${address}.path_part`)}`;
    paths.set(address, path);
    return path;
  };
  // The key of a resource: its address, or "/" for the REST API's root.
  const resourceKey = (value: unknown): string => {
    const ref = parseReference(value);
    if (ref === undefined) throw new Error(`preview: resource_id ${String(value)} is not a reference`);
    return ref.attribute === 'root_resource_id' ? '/' : pathOf(ref.address);
  };
  const methods = new Map(ofType('aws_api_gateway_method'));
  // http_method is a literal or `${aws_api_gateway_method.m.http_method}`.
  const httpMethodOf = (value: unknown): string => {
    const ref = parseReference(value);
    if (ref !== undefined) return str(methods.get(ref.address)?.http_method, `${ref.address}.http_method`).toUpperCase();
    return str(value, 'http_method').toUpperCase();
  };
  const keyOf = (r: Json) => `${httpMethodOf(r.http_method)} ${resourceKey(r.resource_id)}`;

  const integrations = new Map(ofType('aws_api_gateway_integration').map(([, i]) => [keyOf(i), i]));
  const integrationResponses = ofType('aws_api_gateway_integration_response').map(([, r]) => r);
  const methodResponses = ofType('aws_api_gateway_method_response').map(([, r]) => r);

  const tree = new Map<string, Map<string, MethodModel>>();
  for (const address of rawResources.keys()) tree.set(pathOf(address), new Map());
  for (const [, method] of methods) {
    const path = resourceKey(method.resource_id);
    const httpMethod = httpMethodOf(method.http_method);
    const key = `${httpMethod} ${path}`;
    const integration = integrations.get(key);
    const fn = integration ? parseReference(integration.uri) : undefined;
    const model: MethodModel = {
      httpMethod,
      integration: integration && {
        type: String(integration.type),
        functionAddress: fn?.address.startsWith('aws_lambda_function.') ? fn.address : undefined,
        requestTemplates: stringRecord(integration.request_templates),
        responses: integrationResponses
          .filter((r) => keyOf(r) === key)
          .map((r) => ({
            statusCode: String(r.status_code),
            selectionPattern: typeof r.selection_pattern === 'string' ? r.selection_pattern : undefined,
            responseParameters: stringRecord(r.response_parameters),
            responseTemplates: stringRecord(r.response_templates),
          })),
      },
      methodResponses: new Map(
        methodResponses.filter((r) => keyOf(r) === key).map((r) => [String(r.status_code), Object.keys(asRecord(r.response_parameters))]),
      ),
    };
    if (!tree.has(path)) tree.set(path, new Map());
    tree.get(path)!.set(httpMethod, model);
  }

  const settings = ofType('aws_api_gateway_method_settings')
    .map(([, s]) => s)
    .find((s) => s.method_path === '*/*');
  const throttleSettings = asRecord(asList(settings?.settings)[0]);
  const rateLimit = throttleSettings.throttling_rate_limit;
  const burstLimit = throttleSettings.throttling_burst_limit;

  return {
    address: apiAddress,
    stageName,
    binaryMediaTypes: Array.isArray(api.binary_media_types) ? api.binary_media_types.map(String) : [],
    resources: [...tree].map(([path, m]) => ({ path, methods: m })),
    gatewayResponses: new Map(
      ofType('aws_api_gateway_gateway_response').map(([, r]) => [
        String(r.response_type),
        {
          responseType: String(r.response_type),
          statusCode: r.status_code === undefined ? undefined : Number(r.status_code),
          responseParameters: stringRecord(r.response_parameters),
          responseTemplates: stringRecord(r.response_templates),
        },
      ]),
    ),
    throttle: typeof rateLimit === 'number' && typeof burstLimit === 'number' && rateLimit >= 0 && burstLimit >= 0 ? { rateLimit, burstLimit } : undefined,
  };
}

function modelTable([address, table]: [string, Json]): TableModel {
  return {
    address,
    name: str(table.name, `${address}.name`),
    hashKey: str(table.hash_key, `${address}.hash_key`),
    rangeKey: typeof table.range_key === 'string' ? table.range_key : undefined,
    attributes: asList(table.attribute).map((a) => ({ name: String(a.name), type: String(a.type) })),
  };
}
