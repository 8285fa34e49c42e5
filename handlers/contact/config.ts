import { parseAllowedOrigins, type OriginAllowlist } from '../../shared/origins';
import { DEFAULT_THANK_YOU_PATH } from './fields';

/**
 * The handler's settings, read once from the environment at start-up (ContactApi sets them):
 * - `TABLE_NAME` (required): the DynamoDB table.
 * - `AWS_REGION` (required; the Lambda runtime sets it).
 * - `ALLOWED_ORIGINS` (required): comma-separated origins allowed to post (see shared/origins.ts; `*` = any).
 * - `THANK_YOU_URL` (optional): absolute URL, or a path resolved against the request's allowed
 *   Origin/Referer, of the page an HTML form is sent to with 303. Default `/thank-you.html`.
 * - `REQUIRE_ORIGIN` (optional, "true"/"false", default false): refuse requests without an Origin header.
 * The SDK reads `AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL` and `AWS_MAX_ATTEMPTS` itself.
 */
export interface ContactConfig {
  readonly tableName?: string;
  readonly region?: string;
  readonly allowlist?: OriginAllowlist;
  readonly thankYouUrl: string;
  readonly requireOrigin: boolean;
  /** Every setting that is missing or invalid; requests get 500 while this is not empty. */
  readonly problems: readonly string[];
}

export function readConfig(env: Readonly<Record<string, string | undefined>>): ContactConfig {
  const problems: string[] = [];
  const tableName = env.TABLE_NAME?.trim() || undefined;
  if (tableName === undefined) problems.push('TABLE_NAME is not set');
  const region = env.AWS_REGION?.trim() || undefined;
  if (region === undefined) problems.push('AWS_REGION is not set');

  const origins = parseAllowedOrigins(env.ALLOWED_ORIGINS);
  if (!origins.ok) problems.push(...origins.problems);

  const thankYouUrl = env.THANK_YOU_URL?.trim() || DEFAULT_THANK_YOU_PATH;
  if (!isAbsoluteHttpUrl(thankYouUrl) && !/^\/(?!\/)/.test(thankYouUrl)) {
    problems.push('THANK_YOU_URL must be an absolute http(s) URL or a path starting with "/"');
  }

  const requireOriginSetting = env.REQUIRE_ORIGIN?.trim().toLowerCase() || 'false';
  if (requireOriginSetting !== 'true' && requireOriginSetting !== 'false') {
    problems.push('REQUIRE_ORIGIN must be "true" or "false"');
  }

  return {
    tableName,
    region,
    allowlist: origins.ok ? origins.allowlist : undefined,
    thankYouUrl,
    requireOrigin: requireOriginSetting === 'true',
    problems,
  };
}

export function isAbsoluteHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
