import type { StackModel } from './stack';

/**
 * Maps the synthesized stack's Terraform-time values to the local preview's: the site's production
 * origins to the local site origin(s), the API's `execute-api` origin and stage URL to the local
 * gateway, the table name and region to their literal values. Any other `${...}` reference is an
 * error naming it, so a new kind of reference fails loudly instead of reaching the browser.
 */
export interface LocalizeOptions {
  /** `http://127.0.0.1:8080`: where the local site is served. */
  readonly siteOrigin: string;
  /** `http://127.0.0.1:8081`: where the local API gateway listens. */
  readonly apiOrigin: string;
  /**
   * Local origins that replace the stack's site origins position by position (the first: the
   * canonical one). Default: `[siteOrigin]`.
   */
  readonly allowedOrigins?: readonly string[];
}

export interface Localizer {
  /** The synthesized site origins (ALLOWED_ORIGINS of the function, references unresolved). */
  readonly productionOrigins: readonly string[];
  readonly allowedOrigins: readonly string[];
  localize(value: string, where: string): string;
}

const API_ORIGIN = /https:\/\/\$\{aws_api_gateway_rest_api\.[A-Za-z0-9_-]+\.id\}\.execute-api\.\$\{[^}]+\}\.amazonaws\.com/g;

export function createLocalizer(stack: StackModel, options: LocalizeOptions): Localizer {
  const allowedOrigins = options.allowedOrigins ?? [options.siteOrigin];
  const withOrigins = [...stack.functions.values()].find((fn) => fn.environment.ALLOWED_ORIGINS !== undefined);
  const productionOrigins = (withOrigins?.environment.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (allowedOrigins.length === 0) throw new Error('preview: allowedOrigins must name at least one origin');
  if (productionOrigins.length > 0 && allowedOrigins.length > productionOrigins.length) {
    throw new Error(
      `preview: the stack allows ${productionOrigins.length} site origin(s) (${productionOrigins.join(', ')}); allowedOrigins can replace at most that many`,
    );
  }
  // Longest first, so that no origin is replaced inside a longer one.
  const originMap = productionOrigins
    .map((origin, i) => [origin, allowedOrigins[i]] as const)
    .filter((pair): pair is readonly [string, string] => pair[1] !== undefined)
    .sort((a, b) => b[0].length - a[0].length);
  const siteHost = new URL(options.siteOrigin).host;
  const stageUrl = `${options.apiOrigin}/${stack.api.stageName}`;

  const resolve = (address: string, attribute: string): string | undefined => {
    const type = address.replace(/^data\./, '').split('.')[0];
    if (type === 'aws_api_gateway_stage' && attribute === 'invoke_url') return stageUrl;
    if (type === 'aws_dynamodb_table' && address === stack.table.address && attribute === 'name') return stack.table.name;
    if (type === 'aws_region' && (attribute === 'region' || attribute === 'name')) return stack.region;
    if (type === 'aws_cloudfront_distribution' && attribute === 'domain_name') return siteHost;
    return undefined;
  };

  return {
    productionOrigins,
    allowedOrigins,
    localize(value, where) {
      let text = value;
      for (const [from, to] of originMap) text = text.split(from).join(to);
      text = text.replace(API_ORIGIN, options.apiOrigin);
      // One pass over escapes and references, so that an escaped `$${` is never read as a reference.
      return text.replace(/\$\$\{|%%\{|\$\{([^}]*)\}/g, (match, expression: string | undefined) => {
        if (match === '$${') return '${';
        if (match === '%%{') return '%{';
        const ref = /^((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)$/.exec(expression ?? '');
        const resolved = ref ? resolve(ref[1]!, ref[2]!) : undefined;
        if (resolved === undefined) throw new Error(`preview: cannot resolve the Terraform expression ${match} in ${where}`);
        return resolved;
      });
    },
  };
}
