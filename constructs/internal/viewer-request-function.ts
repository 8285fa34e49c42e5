/** What the viewer-request CloudFront Function does. */
export interface ViewerRequestFunctionOptions {
  /** The host that serves the site; requests for `redirectHosts` go there. */
  readonly canonicalHost?: string;
  /** Hosts answered with a 301 to `https://<canonicalHost><uri>`, query string kept. */
  readonly redirectHosts: readonly string[];
  /**
   * `Strict-Transport-Security` value sent with those 301s. CloudFront's documentation promises a response
   * headers policy only on responses from the cache or the origin, not on responses a viewer-request
   * function generates, so the redirects carry it themselves. @default none
   */
  readonly strictTransportSecurity?: string;
}

/**
 * Source of a `cloudfront-js-2.0` viewer-request function. An S3 REST origin has no directory
 * index, so `/about/` and `/about` would be 404s: the function maps them to `/about/index.html`.
 * It also replaces the second bucket and distribution the original stack used for the apex redirect.
 */
export function viewerRequestFunctionCode(options: ViewerRequestFunctionOptions): string {
  const redirects = options.canonicalHost && options.redirectHosts.length > 0;
  const lines = ['function handler(event) {', '  var request = event.request;'];
  if (redirects) {
    lines.push(
      `  var redirectHosts = ${JSON.stringify(options.redirectHosts)};`,
      '  var host = request.headers.host ? request.headers.host.value.toLowerCase() : "";',
      '  if (redirectHosts.indexOf(host) !== -1) {',
      '    var query = Object.keys(request.querystring).map(function (name) {',
      '      var entry = request.querystring[name];',
      '      var values = entry.multiValue ? entry.multiValue : [entry];',
      '      return values.map(function (v) { return v.value === "" ? name : name + "=" + v.value; }).join("&");',
      '    }).join("&");',
      `    var location = "https://${options.canonicalHost}" + request.uri + (query ? "?" + query : "");`,
      `    var headers = { location: { value: location }${
        options.strictTransportSecurity ? `, "strict-transport-security": { value: ${JSON.stringify(options.strictTransportSecurity)} }` : ''
      } };`,
      '    return { statusCode: 301, statusDescription: "Moved Permanently", headers: headers };',
      '  }',
    );
  }
  lines.push(
    '  var uri = request.uri;',
    '  if (uri.endsWith("/")) {',
    '    request.uri = uri + "index.html";',
    '  } else if (uri.lastIndexOf(".") < uri.lastIndexOf("/")) {',
    '    request.uri = uri + "/index.html";',
    '  }',
    '  return request;',
    '}',
    '',
  );
  return lines.join('\n');
}
