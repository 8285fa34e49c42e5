/**
 * The local preview's modules without a browser: reading the synthesized stack, the local API
 * gateway (MOCK preflight incl. the multi-origin template, AWS_PROXY, gateway responses on its own
 * 403/413/429/502), the site server, DynamoDB on disk, busy ports and the CLI.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ContactApi, StaticSite } from '../../constructs';
import { corsOriginTemplate } from '../../constructs/internal/cors';
import { createApiGatewayHandler, matchRoute, proxyEvent, TokenBucket } from '../../preview/api-gateway';
import { createLocalizer } from '../../preview/localize';
import { PortInUseError } from '../../preview/net';
import { startPreview, synthesize, type Preview } from '../../preview/preview';
import { readStack, type ApiModel, type StackModel } from '../../preview/stack';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const PROJECT = join(__dirname, '..', '..');
let outDir: string;
let stackDir: string;
let preview: Preview;
const tmpDirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
}

beforeAll(async () => {
  outDir = tempDir('preview-unit-');
  stackDir = join(outDir, 'stacks', 'contact-site');
  await synthesize(PROJECT, outDir);
  preview = await startPreview({ outDir, synth: false, maxPayloadBytes: 64 * 1024 });
});

afterAll(async () => {
  await preview?.stop();
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
});

const count = async () => (await preview.dynamo.send(new ScanCommand({ TableName: preview.tableName, Select: 'COUNT' }))).Count ?? 0;

describe('reading cdk.tf.json', () => {
  let stack: StackModel;
  beforeAll(() => {
    stack = readStack(stackDir);
  });

  test('the site: objects with their headers from the aws_s3_object resources, headers policy, 404 page, viewer-request function', () => {
    expect(stack.site.objects.get('index.html')).toMatchObject({ contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' });
    expect(stack.site.objects.get('contact.js')?.contentType).toMatch(/^(application|text)\/javascript/);
    expect(existsSync(stack.site.objects.get('index.html')!.sourcePath!)).toBe(true);
    expect(stack.site.objects.get('index.html')!.sourcePath!.startsWith(join(stackDir, 'assets'))).toBe(true);
    // The contact page has a page value ({{contactEndpoint}}), so Terraform writes it filled.
    expect(stack.site.objects.get('contact.html')?.content).toMatch(/action="\$\{aws_api_gateway_stage\.[^}]+\.invoke_url\}\/contact"/);
    expect(JSON.parse(stack.site.objects.get('config.json')!.content!)).toEqual({
      contactEndpoint: expect.stringMatching(/^\$\{aws_api_gateway_stage\.[^}]+\.invoke_url\}\/contact$/),
    });
    expect(stack.site.customErrorResponses).toEqual([{ errorCode: 404, responseCode: 404, responsePagePath: '/404.html' }]);
    expect(Object.keys(stack.site.responseHeaders).sort()).toEqual(
      ['Content-Security-Policy', 'Permissions-Policy', 'Referrer-Policy', 'Strict-Transport-Security', 'X-Content-Type-Options', 'X-Frame-Options'].sort(),
    );
    expect(stack.site.viewerRequestFunction).toContain('function handler(event)');
    expect(stack.site.allowedMethods).toEqual(['GET', 'HEAD']);
  });

  test('the API: /contact with POST (AWS_PROXY to the function) and OPTIONS (MOCK), gateway responses, throttling; the function and table', () => {
    expect(stack.api.stageName).toBe('prod');
    const contact = stack.api.resources.find((r) => r.path === '/contact')!;
    expect([...contact.methods.keys()].sort()).toEqual(['OPTIONS', 'POST']);
    const post = contact.methods.get('POST')!.integration!;
    expect(post.type).toBe('AWS_PROXY');
    expect(stack.functions.has(post.functionAddress!)).toBe(true);
    const options = contact.methods.get('OPTIONS')!;
    expect(options.integration?.type).toBe('MOCK');
    expect(options.integration?.responses[0]?.statusCode).toBe('204');
    expect(options.methodResponses.get('204')).toContain('method.response.header.Access-Control-Allow-Origin');
    expect([...stack.api.gatewayResponses.keys()].sort()).toEqual(['DEFAULT_4XX', 'DEFAULT_5XX']);
    expect(stack.api.throttle).toEqual({ rateLimit: 10, burstLimit: 20 });
    const fn = stack.functions.get(post.functionAddress!)!;
    expect(existsSync(fn.zipPath)).toBe(true);
    expect(fn.handler).toBe('index.handler');
    expect(Object.keys(fn.environment).sort()).toEqual(['ALLOWED_ORIGINS', 'TABLE_NAME']);
    expect(stack.table).toMatchObject({ hashKey: 'id', attributes: [{ name: 'id', type: 'S' }] });
  });

  test('the localizer maps origins, the stage URL and the table name, and names a reference it cannot resolve', () => {
    const localizer = createLocalizer(stack, { siteOrigin: 'http://127.0.0.1:1111', apiOrigin: 'http://127.0.0.1:2222' });
    const fn = [...stack.functions.values()][0]!;
    expect(localizer.localize(fn.environment.ALLOWED_ORIGINS!, 'env')).toBe('http://127.0.0.1:1111');
    expect(localizer.localize(fn.environment.TABLE_NAME!, 'env')).toBe(stack.table.name);
    expect(JSON.parse(localizer.localize(stack.site.objects.get('config.json')!.content!, 'config'))).toEqual({
      contactEndpoint: 'http://127.0.0.1:2222/prod/contact',
    });
    expect(localizer.localize(stack.site.responseHeaders['Content-Security-Policy']!, 'csp')).toContain("connect-src 'self' http://127.0.0.1:2222;");
    expect(localizer.localize('a $${literal} and %%{ directive }', 'x')).toBe('a ${literal} and %{ directive }');
    expect(() => localizer.localize('${aws_s3_bucket.b.arn}', 'the thing')).toThrow(
      'cannot resolve the Terraform expression ${aws_s3_bucket.b.arn} in the thing',
    );
    expect(() => createLocalizer(stack, { siteOrigin: 'http://a', apiOrigin: 'http://b', allowedOrigins: ['http://a', 'http://c'] })).toThrow(
      /at most that many/,
    );
  });
});

describe('the local API gateway', () => {
  const site = () => preview.siteUrl;

  test('OPTIONS is answered from the MOCK integration: 204 with the integration response headers, no Lambda call', async () => {
    const response = await fetch(preview.contactEndpoint, {
      method: 'OPTIONS',
      headers: { Origin: site(), 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,idempotency-key' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(site());
    expect(response.headers.get('access-control-allow-methods')).toBe('POST,OPTIONS');
    expect(response.headers.get('access-control-allow-headers')).toBe('Content-Type,Idempotency-Key');
    expect(response.headers.get('access-control-max-age')).toBe('600');
    // One allowed origin: a static value, whatever the request's origin (the browser then refuses it).
    const other = await fetch(preview.contactEndpoint, { method: 'OPTIONS', headers: { Origin: 'http://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBe(site());
  });

  test('the multi-origin template echoes a listed Origin only', async () => {
    const origins = ['https://a.example', 'https://b.example'];
    const api: ApiModel = {
      address: 'aws_api_gateway_rest_api.api',
      stageName: 'v1',
      binaryMediaTypes: [],
      gatewayResponses: new Map(),
      resources: [
        {
          path: '/items',
          methods: new Map([
            [
              'OPTIONS',
              {
                httpMethod: 'OPTIONS',
                integration: {
                  type: 'MOCK',
                  requestTemplates: { 'application/json': '{"statusCode": 200}' },
                  responses: [
                    {
                      statusCode: '204',
                      responseParameters: { 'method.response.header.Access-Control-Allow-Methods': "'GET,OPTIONS'", 'method.response.header.Vary': "'Origin'" },
                      responseTemplates: { 'application/json': corsOriginTemplate(origins) },
                    },
                  ],
                },
                methodResponses: new Map([
                  [
                    '204',
                    [
                      'method.response.header.Access-Control-Allow-Origin',
                      'method.response.header.Access-Control-Allow-Methods',
                      'method.response.header.Vary',
                    ],
                  ],
                ]),
              },
            ],
          ]),
        },
      ],
    };
    const gateway = createApiGatewayHandler({
      api,
      localizer: { productionOrigins: [], allowedOrigins: [], localize: (v) => v },
      functions: new Map(),
      throttle: null,
    });
    const server = createServer(gateway.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/items`;
    try {
      for (const origin of origins) {
        const response = await fetch(url, { method: 'OPTIONS', headers: { Origin: origin } });
        expect(response.status).toBe(204);
        expect(response.headers.get('access-control-allow-origin')).toBe(origin);
        expect(response.headers.get('vary')).toBe('Origin');
        expect(await response.text()).toBe('');
      }
      const refused = await fetch(url, { method: 'OPTIONS', headers: { Origin: 'https://c.example' } });
      expect(refused.status).toBe(204);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });

  test('POST runs the handler from the zip: 201 stored; a plain form post gets the 303 to the local thank-you page', async () => {
    const before = await count();
    const json = await fetch(preview.contactEndpoint, {
      method: 'POST',
      headers: { Origin: site(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com' }),
    });
    expect(json.status).toBe(201);
    expect(json.headers.get('access-control-allow-origin')).toBe(site());
    expect(json.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const form = await fetch(preview.contactEndpoint, {
      method: 'POST',
      redirect: 'manual',
      headers: { Origin: site(), 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html,*/*;q=0.8' },
      body: 'first_name=Alan&last_name=Turing&email=alan%40example.com',
    });
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe(`${site()}/thank-you.html`);
    expect(await count()).toBe(before + 2);
  });

  test('the REST proxy event: resource, path, headers as sent, text body (no binary media types), request id, source IP', async () => {
    let event: Record<string, unknown> | undefined;
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url!, 'http://x');
        const route = matchRoute([{ path: '/items/{id}', methods: new Map() }], url.pathname.slice('/v1'.length))!;
        const headers = new Map<string, string[]>();
        for (let i = 0; i < req.rawHeaders.length; i += 2) headers.set(req.rawHeaders[i]!, [req.rawHeaders[i + 1]!]);
        event = proxyEvent({ req, url, headers, body: Buffer.concat(chunks), route, stageName: 'v1', requestId: 'req-1', binaryMediaTypes: ['image/*'] });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await fetch(`${base}/v1/items/a%20b?x=1&x=2`, { method: 'POST', headers: { 'X-Custom': 'Yes', 'Content-Type': 'application/json' }, body: '{"é":1}' });
      expect(event).toMatchObject({
        resource: '/items/{id}',
        path: '/items/a%20b',
        httpMethod: 'POST',
        pathParameters: { id: 'a b' },
        queryStringParameters: { x: '2' },
        multiValueQueryStringParameters: { x: ['1', '2'] },
        body: '{"é":1}',
        isBase64Encoded: false,
        requestContext: { requestId: 'req-1', stage: 'v1', resourcePath: '/items/{id}', path: '/v1/items/a%20b', identity: { sourceIp: '127.0.0.1' } },
      });
      expect((event!.headers as Record<string, string>)['X-Custom']).toBe('Yes');
      await fetch(`${base}/v1/items/1`, { method: 'PUT', headers: { 'Content-Type': 'image/png' }, body: Buffer.from([0, 255]) });
      expect(event).toMatchObject({ body: Buffer.from([0, 255]).toString('base64'), isBase64Encoded: true });
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });

  test('routing: literal segments win over {variables}, which win over a greedy {proxy+}', () => {
    const resources = ['/contact', '/items/{id}', '/items/special', '/{proxy+}'].map((path) => ({ path, methods: new Map() }));
    const route = (path: string) => {
      const found = matchRoute(resources, path);
      return found && { resource: found.resource.path, params: found.pathParameters };
    };
    expect(route('/contact')).toEqual({ resource: '/contact', params: null });
    expect(route('/items/special')).toEqual({ resource: '/items/special', params: null });
    expect(route('/items/42')).toEqual({ resource: '/items/{id}', params: { id: '42' } });
    expect(route('/items/42/more')).toEqual({ resource: '/{proxy+}', params: { proxy: 'items/42/more' } });
    expect(route('/')).toEqual({ resource: '/', params: null });
    expect(matchRoute([{ path: '/contact', methods: new Map() }], '/contact/x')).toBeUndefined();
  });

  test('unknown routes and stages get 403 from the gateway, with the DEFAULT_4XX CORS header', async () => {
    for (const path of ['/prod/nope', '/prod', '/other/contact', '/']) {
      const response = await fetch(`${preview.apiUrl}${path}`, { headers: { Origin: site() } });
      expect({ path, status: response.status }).toEqual({ path, status: 403 });
      expect(response.headers.get('access-control-allow-origin')).toBe(site());
      expect((await response.json()) as unknown).toEqual({ message: path.startsWith('/prod') ? 'Missing Authentication Token' : 'Forbidden' });
    }
    const wrongMethod = await fetch(preview.contactEndpoint, { method: 'GET' });
    expect(wrongMethod.status).toBe(403);
  });

  test('a body over the gateway limit gets its 413 (with CORS); over the handler limit, the handler 413', async () => {
    const before = await count();
    const gateway = await fetch(preview.contactEndpoint, {
      method: 'POST',
      headers: { Origin: site(), 'Content-Type': 'text/plain' },
      body: 'x'.repeat(65 * 1024),
    });
    expect(gateway.status).toBe(413);
    expect(gateway.headers.get('access-control-allow-origin')).toBe(site());
    expect(await gateway.json()).toEqual({ message: 'Request Too Long' });
    const handler = await fetch(preview.contactEndpoint, {
      method: 'POST',
      headers: { Origin: site(), 'Content-Type': 'text/plain' },
      body: 'x'.repeat(20 * 1024),
    });
    expect(handler.status).toBe(413);
    expect(((await handler.json()) as { error: string }).error).toBe('body_too_large');
    expect(await count()).toBe(before);
  });

  test('throttling: the token bucket answers 429 with the CORS header once the burst is spent, and refills', async () => {
    let now = 0;
    const bucket = new TokenBucket({ rate: 2, burst: 3 }, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now += 499;
    expect(bucket.take()).toBe(false);
    now += 2;
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);

    preview.setThrottle({ rate: 0, burst: 2 });
    try {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 3; i++) {
        last = await fetch(preview.contactEndpoint, { method: 'OPTIONS', headers: { Origin: site() } });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([204, 204, 429]);
      expect(last!.headers.get('access-control-allow-origin')).toBe(site());
      expect(await last!.json()).toEqual({ message: 'Too Many Requests' });
    } finally {
      preview.setThrottle(null);
    }
  });

  test('a failing integration is a 502 from the gateway with the DEFAULT_5XX CORS header', async () => {
    preview.setIntegrationFailure(true);
    try {
      const response = await fetch(preview.contactEndpoint, { method: 'POST', headers: { Origin: site(), 'Content-Type': 'application/json' }, body: '{}' });
      expect(response.status).toBe(502);
      expect(response.headers.get('access-control-allow-origin')).toBe(site());
      expect(await response.json()).toEqual({ message: 'Internal server error' });
    } finally {
      preview.setIntegrationFailure(false);
    }
  });
});

describe('the local site', () => {
  test("files with the objects' headers, the headers policy, config.json for the local API, /path/ rewriting, the 404 page", async () => {
    const css = await fetch(`${preview.siteUrl}/styles.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.headers.get('cache-control')).toBe('no-cache');
    expect(css.headers.get('x-frame-options')).toBe('DENY');
    expect(await (await fetch(`${preview.siteUrl}/config.json`)).json()).toEqual({ contactEndpoint: `${preview.stageUrl}/contact` });
    const contact = await (await fetch(`${preview.siteUrl}/contact.html`)).text();
    expect(contact).toContain(`action="${preview.contactEndpoint}"`);
    const home = await fetch(`${preview.siteUrl}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<title>Home · Example Co.</title>');
    const missing = await fetch(`${preview.siteUrl}/missing/`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('strict-transport-security')).toBe('max-age=63072000');
    expect(await missing.text()).toContain('<h1>Page not found</h1>');
    const etag = css.headers.get('etag')!;
    expect((await fetch(`${preview.siteUrl}/styles.css`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
  });

  test('every page links an icon that the site serves (no 404 for a favicon)', async () => {
    const icons = new Set<string>();
    for (const page of ['/', '/contact.html', '/thank-you.html', '/missing/']) {
      const html = await (await fetch(`${preview.siteUrl}${page}`)).text();
      icons.add(/<link rel="icon" href="([^"]+)"/.exec(html)?.[1] ?? `no icon link in ${page}`);
    }
    expect([...icons]).toEqual(['/favicon.svg']);
    const icon = await fetch(`${preview.siteUrl}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
  });

  test('methods the distribution does not allow get 403, like CloudFront', async () => {
    const response = await fetch(`${preview.siteUrl}/contact`, { method: 'POST', body: 'a=b' });
    expect(response.status).toBe(403);
  });
});

test("a site uploaded with StaticSite upload: 'sync' is served from its asset folder, with the same headers", async () => {
  const syncOut = tempDir('preview-sync-');
  const app = new App({ outdir: syncOut });
  const stack = new TerraformStack(app, 'sync-site');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const site = new StaticSite(stack, 'site', { siteDir: join(PROJECT, 'site'), upload: 'sync' });
  const api = new ContactApi(stack, 'contact', { allowedOrigins: site.origins });
  site.addApiOrigin(api.apiOrigin);
  site.addGeneratedFile({ key: 'config.json', content: JSON.stringify({ contactEndpoint: api.endpointUrl }) });
  site.addPageValue('contactEndpoint', api.endpointUrl);
  app.synth();

  const model = readStack(join(syncOut, 'stacks', 'sync-site'));
  expect(model.site.objects.get('styles.css')).toMatchObject({ contentType: 'text/css; charset=utf-8', cacheControl: 'no-cache' });
  const synced = await startPreview({ outDir: syncOut, stackName: 'sync-site', synth: false });
  try {
    expect(synced.stack.region).toBe('eu-west-1');
    const page = await fetch(`${synced.siteUrl}/contact.html`);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain(`action="${synced.stageUrl}/contact"`);
    expect(await (await fetch(`${synced.siteUrl}/config.json`)).json()).toEqual({ contactEndpoint: `${synced.stageUrl}/contact` });
    expect((await fetch(`${synced.siteUrl}/no-such-page`)).status).toBe(404);
  } finally {
    await synced.stop();
  }
});

test('with notify, each new message shows the notification the notifier would send (its own formatter), once; nothing is published', async () => {
  const notifyOut = tempDir('preview-notify-');
  const app = new App({ outdir: notifyOut });
  const stack = new TerraformStack(app, 'notify-site');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const site = new StaticSite(stack, 'site', { siteDir: join(PROJECT, 'site') });
  const api = new ContactApi(stack, 'contact', { allowedOrigins: site.origins, notify: { emails: ['owner@example.com'] } });
  site.addApiOrigin(api.apiOrigin);
  site.addGeneratedFile({ key: 'config.json', content: JSON.stringify({ contactEndpoint: api.endpointUrl }) });
  app.synth();

  const notifications: { id?: string; subject: string; message: string }[] = [];
  const notifying = await startPreview({ outDir: notifyOut, stackName: 'notify-site', synth: false, onNotification: (n) => notifications.push(n) });
  try {
    expect(notifying.stack.notifierAddress).toMatch(/^aws_lambda_function\..*notifier/);
    const post = (body: object) =>
      fetch(notifying.contactEndpoint, {
        method: 'POST',
        headers: { Origin: notifying.siteUrl, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const first = await post({ first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.org', message: 'Hello there' });
    expect(first.status).toBe(201);
    const { id } = (await first.json()) as { id: string };
    const invalid = await post({ first_name: '' });
    expect(invalid.status).toBe(400);
    // The watcher reads the table after each answered request; wait for it to settle.
    for (let i = 0; i < 50 && notifications.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    await post({ first_name: '', email: 'not-an-email' });
    await new Promise((r) => setTimeout(r, 300));
    expect(notifications.map((n) => [n.id, n.subject])).toEqual([[id, 'New message from Ada Lovelace']]);
    expect(notifications[0]!.message).toContain('Hello there');
    expect(preview.stack.notifierAddress).toBeUndefined();
  } finally {
    await notifying.stop();
  }
});

describe('starting and stopping', () => {
  test('DynamoDB data under dataDir survive a restart (the existing table is kept)', async () => {
    const dataDir = tempDir('preview-data-');
    const first = await startPreview({ outDir, synth: false, dataDir });
    try {
      const response = await fetch(first.contactEndpoint, {
        method: 'POST',
        headers: { Origin: first.siteUrl, 'Content-Type': 'application/json' },
        body: JSON.stringify({ first_name: 'Kept', last_name: 'OnDisk', email: 'kept@example.com' }),
      });
      expect(response.status).toBe(201);
    } finally {
      await first.stop();
    }
    const second = await startPreview({ outDir, synth: false, dataDir });
    try {
      const items = (await second.dynamo.send(new ScanCommand({ TableName: second.tableName }))).Items ?? [];
      expect(items.map((i) => i.email?.S)).toEqual(['kept@example.com']);
    } finally {
      await second.stop();
    }
  });

  test('a busy port is a PortInUseError naming the port, and nothing is left running', async () => {
    const freePort = async () => {
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const found = (probe.address() as AddressInfo).port;
      await new Promise((resolve) => probe.close(resolve));
      return found;
    };
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    const sitePort = await freePort();
    try {
      const error = await startPreview({ outDir, synth: false, sitePort, apiPort: port }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortInUseError);
      expect(error).toMatchObject({ role: 'API', port, message: `preview: the API port ${port} on 127.0.0.1 is already in use` });
      // The site server, started first, was closed again: its port is free.
      const again = createServer();
      await new Promise<void>((resolve, reject) => again.once('error', reject).listen(sitePort, '127.0.0.1', resolve));
      await new Promise((resolve) => again.close(resolve));
    } finally {
      busy.close();
    }
  });

  test('the CLI prints both URLs, logs one line per API request, stops on SIGINT; a busy port says which and how to change it', async () => {
    const cli = spawn(
      process.execPath,
      ['--require', 'tsx/cjs', 'preview/index.ts', '--no-synth', '--in-memory', '--out-dir', outDir, '--site-port', '0', '--api-port', '0'],
      {
        cwd: PROJECT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    cli.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    cli.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));
    const waitFor = async (pattern: RegExp) => {
      for (let i = 0; i < 300 && !pattern.test(output); i++) await new Promise((r) => setTimeout(r, 50));
      expect(output).toMatch(pattern);
    };
    await waitFor(/API: +(\S+)/);
    const endpoint = /API: +(\S+)/.exec(output)![1]!;
    expect(output).toMatch(/Site: +http:\/\/127\.0\.0\.1:\d+\//);
    await fetch(endpoint, { method: 'OPTIONS' });
    await fetch(new URL('/prod/nope', endpoint));
    await waitFor(/GET \/prod\/nope 403 \d+ms/);
    expect(output).toMatch(/^OPTIONS \/prod\/contact 204 \d+ms$/m);
    cli.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('Stopped.');

    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const second = spawn(
        process.execPath,
        ['--require', 'tsx/cjs', 'preview/index.ts', '--no-synth', '--in-memory', '--out-dir', outDir, '--site-port', String(port)],
        {
          cwd: PROJECT,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let message = '';
      second.stderr.on('data', (chunk: Buffer) => (message += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
      expect(code).toBe(1);
      expect(message).toContain(`the site port ${port} on 127.0.0.1 is already in use`);
      expect(message).toContain(`--site-port ${port + 10}`);
      expect(message).toContain('PREVIEW_SITE_PORT');
    } finally {
      busy.close();
    }
  });
});
