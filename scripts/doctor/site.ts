/**
 * CloudFront + S3: every name is served by CloudFront, answers http:// with a redirect to https://, the
 * redirect names answer 301 to the site with path and query kept; `/` is an HTML 200, a missing page the
 * 404 page with status 404 (not S3's 403), `/config.json` names the API, and `/` is this stack's index.html.
 */
import { randomBytes } from 'node:crypto';
import { isLocalPreview, onName, siteNames, type DoctorContext } from './context';
import { describeError, httpFetch, type HttpAnswer } from './net';
import { fail, pass, skip, type CheckResult } from './report';

const LAYER = 'CloudFront + S3';

export async function checkSite(ctx: DoctorContext): Promise<CheckResult[]> {
  const { target } = ctx;
  const results: CheckResult[] = [];
  const local = isLocalPreview(target);
  for (const name of siteNames(target)) {
    const url = onName(target.site, name);
    if (local) {
      results.push(skip(LAYER, `${name} is served by CloudFront`, 'the site is http:// (a local preview)'));
    } else {
      results.push(await servedByCloudFront(ctx, url));
      results.push(await httpRedirects(ctx, name));
    }
  }
  for (const name of target.redirectNames) results.push(await redirectsToSite(ctx, name));
  results.push(await home(ctx));
  results.push(await missingPage(ctx));
  results.push(await configJson(ctx));
  if (target.indexMd5 !== undefined) results.push(await sameContent(ctx, target.indexMd5));
  return results;
}

async function fetchOrFail(
  check: string,
  run: () => Promise<HttpAnswer>,
  cause = 'the site does not answer (see the DNS and TLS checks)',
): Promise<HttpAnswer | CheckResult> {
  try {
    return await run();
  } catch (error) {
    return fail(LAYER, check, describeError(error), cause, 'fix the first ✘ above; then run again');
  }
}

const isResult = (value: HttpAnswer | CheckResult): value is CheckResult => 'status' in value && typeof value.status === 'string';

/** CloudFront's marks on every answer: `Via: 1.1 <id>.cloudfront.net (CloudFront)`, `X-Amz-Cf-Id`, `X-Cache`. */
export function cloudFrontMarks(answer: HttpAnswer): string | undefined {
  const via = answer.headers.via ?? '';
  if (/cloudfront/i.test(via)) return `Via: ${via}`;
  if (answer.headers['x-amz-cf-id'] !== undefined) return `X-Amz-Cf-Id, X-Cache: ${answer.headers['x-cache'] ?? '-'}`;
  return undefined;
}

async function servedByCloudFront(ctx: DoctorContext, url: URL): Promise<CheckResult> {
  const check = `${url.hostname} is served by CloudFront`;
  const answer = await fetchOrFail(check, () => ctx.get(url));
  if (isResult(answer)) return answer;
  const marks = cloudFrontMarks(answer);
  if (marks !== undefined) return pass(LAYER, check, marks);
  const server = answer.headers.server;
  return fail(
    LAYER,
    check,
    `${answer.status} without CloudFront's headers${server ? ` (Server: ${server})` : ''}`,
    `${url.hostname} points at another server than CloudFront: an old A or CNAME record (a previous host, the registrar's parking page), or a record in a zone the domain is not delegated to`,
    `make ${url.hostname} an alias A/AAAA record to this distribution (StaticSite's aliasRecords) in the zone the registrar's name servers belong to, and delete the old record`,
  );
}

async function httpRedirects(ctx: DoctorContext, name: string): Promise<CheckResult> {
  const check = `http://${name}/ redirects to https://`;
  if (ctx.target.site.port !== '') return skip(LAYER, check, `the site is on port ${ctx.target.site.port}: its http:// port is unknown`);
  const answer = await fetchOrFail(check, () => httpFetch(ctx.network, new URL(`http://${name}/`)), 'nothing answers http:// (port 80) on this name');
  if (isResult(answer)) return answer;
  const location = answer.headers.location ?? '';
  if ([301, 302, 307, 308].includes(answer.status) && location.startsWith('https://')) return pass(LAYER, check, `${answer.status} to ${location}`);
  return fail(
    LAYER,
    check,
    `${answer.status}${location ? ` to ${location}` : ''}`,
    'the distribution serves plain http (viewer_protocol_policy allow-all): visitors who type the name get no padlock, and the form posts from an insecure page',
    'set viewer_protocol_policy = "redirect-to-https" on the default cache behaviour (StaticSite does)',
  );
}

/** A path and a query of our own: the redirect has to keep both. */
const PROBE_PATH = '/doctor-check/page';
const PROBE_QUERY = '?doctor=1&from=redirect';

async function redirectsToSite(ctx: DoctorContext, name: string): Promise<CheckResult> {
  const expected = `https://${ctx.target.site.hostname}${PROBE_PATH}${PROBE_QUERY}`;
  const check = `${name} answers 301 to ${ctx.target.site.hostname} with path and query`;
  const answer = await fetchOrFail(check, () => httpFetch(ctx.network, onName(ctx.target.site, name, `${PROBE_PATH}${PROBE_QUERY}`)));
  if (isResult(answer)) return answer;
  const location = answer.headers.location;
  if (answer.status === 301 && location === expected) return pass(LAYER, check, `301 to ${location}`);
  const fix = `list ${name} in redirectDomainNames (StaticSite then puts it in the certificate, the aliases, DNS and the viewer-request function's redirect) and deploy`;
  if (answer.status === 301 || answer.status === 302 || answer.status === 307 || answer.status === 308) {
    return fail(
      LAYER,
      check,
      `${answer.status} to ${location ?? '(no Location)'}, expected 301 to ${expected}`,
      answer.status !== 301
        ? 'a temporary redirect: search engines keep both names'
        : 'the redirect loses the path or the query, or goes elsewhere (a hand-made S3 website redirect bucket, or a registrar forward)',
      fix,
    );
  }
  return fail(
    LAYER,
    check,
    `${answer.status}${location ? ` to ${location}` : ''}, no redirect`,
    `${name} is served like the site itself (or by something else): the viewer-request function does not redirect it, so the site answers on two names (duplicate content, and the API's CORS allowlist must then list both)`,
    fix,
  );
}

/** Why CloudFront answered 403, from what its answer says. */
function forbiddenCause(answer: HttpAnswer, what: string): { cause: string; fix: string } {
  const body = answer.body.toString('utf8', 0, Math.min(answer.body.length, 4096));
  if (/<Code>AccessDenied<\/Code>/.test(body)) {
    return {
      cause: `S3 refused CloudFront (AccessDenied) for ${what}: the bucket policy does not allow this distribution (s3:GetObject for cloudfront.amazonaws.com with AWS:SourceArn = the distribution), or the origin has no origin access control`,
      fix: 'attach the bucket policy that grants this distribution s3:GetObject and s3:ListBucket, and the OAC to the origin (StaticSite does both); a bucket policy for an old distribution ARN or an OAI does not apply',
    };
  }
  if (/could not be satisfied/i.test(body) || /error from cloudfront/i.test(answer.headers['x-cache'] ?? '')) {
    return {
      cause:
        'CloudFront itself refused the request: the name reaches CloudFront but is no alternate domain name of this distribution (Route 53 points at another distribution), or a WAF/geo rule blocks it',
      fix: 'point the alias records at this distribution and list the name in its aliases (StaticSite does both for domainName and redirectDomainNames)',
    };
  }
  return {
    cause: `403 for ${what}: the bucket or the distribution refuses it`,
    fix: 'check the bucket policy (it must allow this distribution) and the distribution’s origin access control',
  };
}

async function home(ctx: DoctorContext): Promise<CheckResult> {
  const check = '/ is an HTML page (200)';
  const answer = await fetchOrFail(check, () => ctx.get(ctx.target.site));
  if (isResult(answer)) return answer;
  const type = answer.headers['content-type'] ?? '';
  if (answer.status === 200 && /^text\/html\b/i.test(type)) return pass(LAYER, check, `200 ${type}`);
  if (answer.status === 403) {
    const { cause, fix } = forbiddenCause(answer, '/');
    return fail(LAYER, check, '403', cause, fix);
  }
  if (answer.status === 404) {
    return fail(
      LAYER,
      check,
      '404',
      'the distribution has no default root object, or index.html is not in the bucket',
      'set default_root_object = "index.html" and upload the site (StaticSite does both); then invalidate /*',
    );
  }
  return fail(
    LAYER,
    check,
    `${answer.status} ${type || '(no Content-Type)'}`,
    answer.status === 200
      ? 'index.html was uploaded without its Content-Type, so browsers download it instead of showing it'
      : `the site answers ${answer.status}`,
    'upload every file with its Content-Type (StaticSite sets it from the extension) and invalidate /*',
  );
}

async function missingPage(ctx: DoctorContext): Promise<CheckResult> {
  const path = `/doctor-missing-${randomBytes(4).toString('hex')}.html`;
  const check = 'a missing page is the 404 page, status 404';
  const answer = await fetchOrFail(check, () => ctx.get(new URL(path, ctx.target.site)));
  if (isResult(answer)) return answer;
  const type = answer.headers['content-type'] ?? '';
  if (answer.status === 404 && /^text\/html\b/i.test(type)) return pass(LAYER, check, `404 ${type} for ${path}`);
  if (answer.status === 403) {
    const body = answer.body.toString('utf8', 0, Math.min(answer.body.length, 4096));
    if (/<Code>AccessDenied<\/Code>/.test(body) || !/could not be satisfied/i.test(body)) {
      return fail(
        LAYER,
        check,
        `403 for ${path}${/AccessDenied/.test(body) ? ' (S3 AccessDenied)' : ''}`,
        '403 for a missing page: CloudFront cannot list the bucket, so S3 answers a missing key with 403 instead of 404: the bucket policy lacks s3:ListBucket for this distribution',
        'grant the distribution s3:ListBucket on the bucket (StaticSite’s bucket policy does), and keep the 404 custom error response (→ /404.html, 404); do not map 403 to 200 or to the home page',
      );
    }
    const { cause, fix } = forbiddenCause(answer, path);
    return fail(LAYER, check, '403', cause, fix);
  }
  if (answer.status === 404) {
    return fail(
      LAYER,
      check,
      `404 ${type || '(no Content-Type)'}, not the HTML page`,
      'the distribution has no custom error response for 404, so visitors see S3’s XML error',
      'add custom_error_response { error_code = 404, response_code = 404, response_page_path = "/404.html" } (StaticSite does) and upload 404.html',
    );
  }
  return fail(
    LAYER,
    check,
    `${answer.status} ${type} for ${path}`,
    answer.status === 200
      ? 'missing pages answer 200: a custom error response maps 403/404 to a page with status 200 (a single-page-app setting), so broken links look fine and search engines index them'
      : `missing pages answer ${answer.status}`,
    'answer missing pages with the 404 page and status 404 (StaticSite: 404 → /404.html, 404)',
  );
}

async function configJson(ctx: DoctorContext): Promise<CheckResult> {
  const check = '/config.json names the API';
  const answer = await fetchOrFail(check, () => ctx.get(new URL('/config.json', ctx.target.site)));
  if (isResult(answer)) return answer;
  if (answer.status !== 200) {
    const forbidden = answer.status === 403 ? forbiddenCause(answer, '/config.json') : undefined;
    return fail(
      LAYER,
      check,
      `${answer.status}`,
      forbidden?.cause ?? 'config.json is not in the bucket: the page’s script cannot find the API, and the form cannot be sent',
      forbidden?.fix ??
        'write it with the API’s URL: site.addGeneratedFile({ key: "config.json", content: ... contactApi.endpointUrl ... }) (the example does), and deploy',
    );
  }
  let endpoint: unknown;
  try {
    endpoint = (JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>).contactEndpoint;
  } catch {
    endpoint = undefined;
  }
  if (typeof endpoint !== 'string' || !/^https?:\/\//.test(endpoint)) {
    return fail(
      LAYER,
      check,
      'no contactEndpoint URL in it',
      'config.json is not the generated one (a placeholder, or a file from the site folder that shadows it)',
      'remove config.json from the site folder and let the stack write it (addGeneratedFile), then deploy',
    );
  }
  if (ctx.api === undefined) {
    ctx.api = new URL(endpoint);
    return pass(LAYER, check, `${endpoint} (checked below as the API)`);
  }
  if (endpoint !== ctx.api.href) {
    return fail(
      LAYER,
      check,
      `${endpoint}, not ${ctx.api.href}`,
      `the site’s config.json names another API${ctx.target.api ? ' than the one given' : ''}: files from another deploy are served (Route 53 points at another distribution, or CloudFront still serves a cached copy)${ctx.target.api && ctx.target.source === '--url' ? ', or --api is not the endpoint this site uses' : ''}`,
      'deploy again (the stack writes config.json with its own API’s URL) and invalidate /config.json; check that the aliases point at this distribution',
    );
  }
  return pass(LAYER, check, endpoint);
}

async function sameContent(ctx: DoctorContext, md5: string): Promise<CheckResult> {
  const check = "/ is this stack's index.html";
  const answer = await fetchOrFail(check, () => ctx.get(ctx.target.site));
  if (isResult(answer)) return answer;
  const etag = (answer.headers.etag ?? '').replace(/^W\//, '').replace(/"/g, '');
  if (!/^[0-9a-f]{32}$/.test(etag)) return skip(LAYER, check, `the ETag (${etag || 'none'}) is not an MD5 (a KMS-encrypted or multipart object)`);
  if (etag === md5) return pass(LAYER, check, `ETag ${etag} = the MD5 of the stack's site/index.html`);
  return fail(
    LAYER,
    check,
    `ETag ${etag}, the stack's index.html has MD5 ${md5}`,
    'the site serves another index.html than this stack’s: an older upload still cached by CloudFront, another distribution behind the name, or the stack not deployed since the file changed',
    'deploy (it uploads what changed), then invalidate /* (aws cloudfront create-invalidation --paths "/*" with the distribution-id output)',
  );
}
