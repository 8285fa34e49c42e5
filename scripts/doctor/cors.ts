/**
 * CORS: the browser's preflight of the form's POST, from the site's origin, is answered 2xx with that exact
 * origin, POST and the requested headers; one from a foreign origin gets no Access-Control-Allow-Origin.
 */
import type { DoctorContext } from './context';
import { describeError, httpFetch, type HttpAnswer } from './net';
import { fail, pass, skip, type CheckResult } from './report';

const LAYER = 'CORS';
/** An origin that is nobody's (.invalid is reserved, RFC 2606). */
export const FOREIGN_ORIGIN = 'https://doctor-check.invalid';
const REQUESTED_HEADERS = ['content-type', 'idempotency-key'];

function preflight(ctx: DoctorContext, api: URL, origin: string): Promise<HttpAnswer> {
  return httpFetch(ctx.network, api, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': REQUESTED_HEADERS.join(',') },
  });
}

const list = (value: string | undefined) => (value ?? '').split(',').map((item) => item.trim().toLowerCase());

export async function checkCors(ctx: DoctorContext): Promise<CheckResult[]> {
  const origin = ctx.target.site.origin;
  const own = `a preflight from ${origin} is allowed`;
  const foreign = `a preflight from another origin (${FOREIGN_ORIGIN}) is not`;
  const api = ctx.api;
  if (api === undefined) return [skip(LAYER, own, 'the API’s URL is not known (pass --api)'), skip(LAYER, foreign, 'the API’s URL is not known')];
  const results: CheckResult[] = [];
  try {
    results.push(judgeOwn(own, origin, await preflight(ctx, api, origin)));
  } catch (error) {
    results.push(
      fail(
        LAYER,
        own,
        describeError(error),
        'the API does not answer',
        `check the endpoint (${api.href}): the stage must be deployed; see the API + Lambda checks`,
      ),
    );
  }
  try {
    const answer = await preflight(ctx, api, FOREIGN_ORIGIN);
    const allowed = answer.headers['access-control-allow-origin'];
    if (allowed === undefined) results.push(pass(LAYER, foreign, `${answer.status}, no Access-Control-Allow-Origin`));
    else if (allowed !== '*' && allowed !== FOREIGN_ORIGIN) {
      // An API with one allowed origin answers every preflight with that origin (a fixed MOCK response): the browser
      // compares it with the page's origin and refuses the foreign page just the same.
      results.push(pass(LAYER, foreign, `${answer.status}, Access-Control-Allow-Origin: ${allowed} only, which the browser refuses for another origin`));
    } else {
      results.push(
        fail(
          LAYER,
          foreign,
          `${answer.status}, Access-Control-Allow-Origin: ${allowed}`,
          allowed === '*'
            ? 'the preflight allows every origin (*): any web page can make its visitors’ browsers post to the form'
            : 'the preflight echoes any origin: any web page can make its visitors’ browsers post to the form',
          'allow only the site’s origins: CorsPreflight with allowedOrigins (ContactApi takes StaticSite.origins) instead of *',
        ),
      );
    }
  } catch (error) {
    results.push(fail(LAYER, foreign, describeError(error), 'the API does not answer', 'see the check above'));
  }
  return results;
}

function judgeOwn(check: string, origin: string, answer: HttpAnswer): CheckResult {
  const allowOrigin = answer.headers['access-control-allow-origin'];
  const methods = list(answer.headers['access-control-allow-methods']);
  const headers = list(answer.headers['access-control-allow-headers']);
  const seen = `${answer.status}, Access-Control-Allow-Origin: ${allowOrigin ?? '(none)'}, -Methods: ${answer.headers['access-control-allow-methods'] ?? '(none)'}, -Headers: ${
    answer.headers['access-control-allow-headers'] ?? '(none)'
  }`;
  const redeploy = 'then deploy (CorsPreflight’s changes reach the stage through a new deployment, which ContactApi makes when the API changes)';
  if (answer.status === 403 && /missing authentication token/i.test(answer.body.toString('utf8'))) {
    return fail(
      LAYER,
      check,
      '403 Missing Authentication Token',
      'no OPTIONS method for this URL on the deployed stage (or no such resource: check the endpoint): API Gateway answers an unknown method or path with 403, and the browser blocks the POST',
      `add CorsPreflight to the resource (ContactApi does), ${redeploy}`,
    );
  }
  if (answer.status === 429) {
    return fail(
      LAYER,
      check,
      seen,
      'API Gateway throttled the preflight (the stage’s throttling limits: too many requests in the last seconds)',
      'run again in a few seconds; if visitors see 429s too, raise the stage’s throttling limits',
    );
  }
  if (answer.status < 200 || answer.status > 299) {
    return fail(
      LAYER,
      check,
      seen,
      'the preflight fails: a browser sends the POST only after a 2xx preflight',
      `answer OPTIONS with a MOCK integration (CorsPreflight), ${redeploy}`,
    );
  }
  if (allowOrigin === undefined) {
    return fail(
      LAYER,
      check,
      seen,
      'the preflight has no Access-Control-Allow-Origin for the site: the OPTIONS integration response does not set it (or the site’s origin is not in its list), so the browser blocks the form’s POST (“No Access-Control-Allow-Origin header”)',
      `put the site’s origin in CorsPreflight’s allowedOrigins (ContactApi takes StaticSite.origins), ${redeploy}`,
    );
  }
  if (allowOrigin !== origin) {
    return fail(
      LAYER,
      check,
      seen,
      allowOrigin === '*'
        ? 'the preflight allows * instead of the site: any page may post, and a request with credentials would be refused'
        : `the preflight allows another origin (${allowOrigin}), not ${origin}: a typo, http vs https, or www vs the bare name`,
      `allow exactly ${origin} (CorsPreflight’s allowedOrigins, from StaticSite.origins), ${redeploy}`,
    );
  }
  if (!methods.includes('post') && !methods.includes('*')) {
    return fail(LAYER, check, seen, 'the preflight does not allow POST', `allow POST (CorsPreflight’s allowedMethods), ${redeploy}`);
  }
  const missing = REQUESTED_HEADERS.filter((h) => !headers.includes(h) && !headers.includes('*'));
  if (missing.length > 0) {
    return fail(
      LAYER,
      check,
      seen,
      `the preflight does not allow the request header${missing.length > 1 ? 's' : ''} ${missing.join(', ')} the form sends`,
      `allow ${missing.join(', ')} (CorsPreflight’s allowedHeaders), ${redeploy}`,
    );
  }
  return pass(LAYER, check, seen);
}
