/**
 * The contact form in headless Chromium against `npm run preview`'s servers (started here, from a
 * fresh synthesis): the site on one port, the API on another, dynalite behind the handler's zip.
 */
import type { Page } from 'playwright-core';
import { eventually, scanTable, startHarness, uniqueEmail, withPage, type Harness } from './support';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

const testName = () => expect.getState().currentTestName ?? 'unnamed';

async function itemsWithEmail(email: string) {
  return (await scanTable(h.preview.dynamo, h.preview.tableName)).filter((item) => item.email === email);
}

/** contact.js ran (it turns the browser's own validation off) and read config.json (it set the action). */
async function scriptReady(page: Page) {
  await eventually(async () => {
    expect(await page.locator('#contact-form').getAttribute('novalidate')).not.toBeNull();
    expect(await page.locator('#contact-form').getAttribute('action')).toBe(h.preview.contactEndpoint);
  });
}

async function fillValid(page: Page, email: string) {
  await page.getByLabel('First name').fill('Ada');
  await page.getByLabel('Last name').fill('Lovelace');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Job title').fill('Analyst');
  await page.getByLabel('Company').fill('Analytical Engines Ltd');
  await page.getByLabel('Phone number').fill('+44 20 7946 0958');
  await page.getByLabel('Message').fill('Hello from a real browser.\nTwo lines.');
}

test('1. with JavaScript: the success message appears and exactly one item with those fields is stored', async () => {
  await withPage(h.browser, testName(), async (page) => {
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    const email = uniqueEmail('js');
    await page.goto(`${h.preview.siteUrl}/contact.html`);
    await scriptReady(page);
    await fillValid(page, email);

    const post = page.waitForResponse((r) => r.url() === h.preview.contactEndpoint && r.request().method() === 'POST');
    const button = page.getByRole('button', { name: /send/i });
    const before = h.apiLog.length;
    await button.dblclick(); // an impatient double click sends once
    // While in flight: disabled and saying so (the handler takes well over a frame to answer).
    await eventually(async () => expect(await button.isDisabled()).toBe(true), 2000);
    expect(await button.textContent()).toBe('Sending…');
    const response = await post;
    expect(response.status()).toBe(201);
    expect(response.request().headers()['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);

    const status = page.getByRole('status');
    await eventually(async () => expect(await status.textContent()).toContain('Thank you, your message has been sent'));
    expect(await page.locator('#form-alert').textContent()).toBe(''); // (hidden while empty)
    expect(await button.isDisabled()).toBe(false);
    expect(await button.textContent()).toBe('Send message');
    expect(await page.getByLabel('Email').inputValue()).toBe(''); // the form was reset

    const items = await itemsWithEmail(email);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      first_name: 'Ada',
      last_name: 'Lovelace',
      email,
      job_title: 'Analyst',
      company: 'Analytical Engines Ltd',
      phone_number: '+44 20 7946 0958',
      message: 'Hello from a real browser.\nTwo lines.',
    });
    expect(items[0]!.userAgent).toMatch(/Chrome/);
    expect(items[0]!.page).toBe(`${h.preview.siteUrl}/contact.html`);
    // A real cross-origin request: a preflight, then the POST; and no CSP or CORS complaint.
    expect(h.apiLog.slice(before).map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
      `OPTIONS ${new URL(h.preview.contactEndpoint).pathname} 204`,
      `POST ${new URL(h.preview.contactEndpoint).pathname} 201`,
    ]);
    expect(consoleErrors).toEqual([]);
    // The preview shows the notification the notifier would send for it, once.
    await eventually(async () => expect(h.notifications.filter((n) => n.id === items[0]!.id).map((n) => n.subject)).toEqual(['New message from Ada Lovelace']));
  });
});

test('2. without JavaScript: the plain form post lands on the thank-you page and the item is stored', async () => {
  await withPage(
    h.browser,
    testName(),
    async (page) => {
      const email = uniqueEmail('nojs');
      await page.goto(`${h.preview.siteUrl}/contact.html`);
      // No script ran: the action is the one the page was published with.
      expect(await page.locator('#contact-form').getAttribute('action')).toBe(h.preview.contactEndpoint);
      await fillValid(page, email);
      const before = h.apiLog.length;
      await Promise.all([page.waitForURL(`${h.preview.siteUrl}/thank-you.html`), page.getByRole('button', { name: /send/i }).click()]);
      expect(await page.locator('h1').textContent()).toBe('Thank you');
      // A form post is a simple request: no preflight, the handler's 303.
      expect(h.apiLog.slice(before).map((e) => `${e.method} ${e.status}`)).toEqual(['POST 303']);
      const items = await itemsWithEmail(email);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace', message: 'Hello from a real browser.\r\nTwo lines.' });
      // A form post follows the site's Referrer-Policy: the API learns the site, not the page.
      expect(items[0]!.page).toBe(`${h.preview.siteUrl}/`);
    },
    { javaScriptEnabled: false },
  );
});

test('2b. without JavaScript, invalid data: the API’s error page names each field, Back keeps what was typed, nothing is stored', async () => {
  await withPage(
    h.browser,
    testName(),
    async (page) => {
      const consoleErrors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      const stored = (await scanTable(h.preview.dynamo, h.preview.tableName)).length;
      await page.goto(`${h.preview.siteUrl}/contact.html`);
      await fillValid(page, 'ada@example'); // the browser's own check lets it through; the handler's does not
      await page.getByLabel('Phone number').fill('call me');
      const before = h.apiLog.length;
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url() === h.preview.contactEndpoint && r.request().method() === 'POST'),
        page.getByRole('button', { name: /send/i }).click(),
      ]);
      expect(response.status()).toBe(400);
      await page.waitForURL(h.preview.contactEndpoint);
      expect(await page.locator('h1').textContent()).toBe('Your message was not sent');
      expect(await page.locator('li').allTextContents()).toEqual(['Email: Not a valid email address.', 'Phone number: Not a valid phone number.']);
      // Its inline style applies (the page's CSP allows it by hash), and the policy refused nothing.
      expect(await page.locator('main').evaluate((main) => main.ownerDocument.defaultView!.getComputedStyle(main.ownerDocument.body).maxWidth)).toBe('640px');
      expect(consoleErrors).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
      expect(h.apiLog.slice(before).map((e) => `${e.method} ${e.status}`)).toEqual(['POST 400']);
      expect((await scanTable(h.preview.dynamo, h.preview.tableName)).length).toBe(stored);

      // Back to the form, as the page says: what was typed is still there, ready to correct.
      await page.goBack();
      expect(await page.locator('h1').textContent()).toBe('Contact us');
      expect(await page.getByLabel('Email').inputValue()).toBe('ada@example');
      expect(await page.getByLabel('Message').inputValue()).toBe('Hello from a real browser.\nTwo lines.');
    },
    { javaScriptEnabled: false },
  );
});

test('3. invalid data: per-field errors appear next to the fields (client and server) and nothing is stored', async () => {
  await withPage(h.browser, testName(), async (page) => {
    const stored = (await scanTable(h.preview.dynamo, h.preview.tableName)).length;
    await page.goto(`${h.preview.siteUrl}/contact.html`);
    await scriptReady(page);
    await page.getByLabel('Last name').fill('Lovelace');
    await page.getByLabel('Email').fill('ada@example');
    await page.getByLabel('Phone number').fill('call me');
    const before = h.apiLog.length;
    await page.getByRole('button', { name: /send/i }).click();

    const email = page.getByLabel('Email');
    await eventually(async () => expect(await page.locator('#email-error').textContent()).toBe('Not a valid email address.'));
    expect(await page.locator('#first_name-error').textContent()).toBe('Required.');
    expect(await page.locator('#phone_number-error').textContent()).toBe('Not a valid phone number.');
    expect(await page.locator('#last_name-error').textContent()).toBe('');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect((await email.getAttribute('aria-describedby'))?.split(' ')).toContain('email-error');
    expect(await page.getByLabel('Last name').getAttribute('aria-invalid')).toBeNull();
    expect(await page.getByRole('alert').textContent()).toMatch(/correct the 3 highlighted fields/);
    // Focus moves to the first invalid field.
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('first_name');
    expect(h.apiLog.length).toBe(before); // nothing was sent

    // The server's own per-field errors, shown the same way: skip the page's checks and send.
    await page.evaluate(() => {
      (globalThis as unknown as { ContactFormRules: { validate: () => unknown[] } }).ContactFormRules.validate = () => [];
    });
    const response = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: /send/i }).click();
    expect((await response).status()).toBe(400);
    await eventually(async () => expect(await page.getByRole('alert').textContent()).toBe('Please correct the highlighted fields.'));
    expect(await page.locator('#first_name-error').textContent()).toBe('Required.');
    expect(await page.locator('#email-error').textContent()).toBe('Not a valid email address.');
    expect(await page.locator('#phone_number-error').textContent()).toBe('Not a valid phone number.');
    expect(await page.getByLabel('First name').getAttribute('aria-invalid')).toBe('true');

    expect((await scanTable(h.preview.dynamo, h.preview.tableName)).length).toBe(stored);
  });
});

test('4. from an origin that is not allowed: the browser blocks the request and nothing is stored', async () => {
  const other = await h.preview.serveSiteAt(0);
  try {
    await withPage(h.browser, testName(), async (page) => {
      const corsMessages: string[] = [];
      const failed: string[] = [];
      page.on('console', (message) => {
        if (/CORS policy/.test(message.text())) corsMessages.push(message.text());
      });
      page.on('requestfailed', (request) => failed.push(`${request.method()} ${request.url()}`));
      const email = uniqueEmail('cors');
      expect(other.url).not.toBe(h.preview.siteUrl);
      await page.goto(`${other.url}/contact.html`);
      await scriptReady(page);
      await fillValid(page, email);
      const before = h.apiLog.length;
      await page.getByRole('button', { name: /send/i }).click();

      await eventually(async () => expect(await page.getByRole('alert').textContent()).toMatch(/could not be sent: the contact service could not be reached/));
      expect(corsMessages.join('\n')).toMatch(new RegExp(`from origin '${other.url}' has been blocked by CORS policy`));
      expect(failed).toContain(`POST ${h.preview.contactEndpoint}`);
      // The preflight was answered for the allowed origin only, so the browser never sent the POST.
      expect(h.apiLog.slice(before).map((e) => `${e.method} ${e.status}`)).toEqual(['OPTIONS 204']);
      expect(await itemsWithEmail(email)).toHaveLength(0);
      expect(await page.getByRole('button', { name: /send/i }).isDisabled()).toBe(false);
    });
  } finally {
    await other.stop();
  }
});

test('5. throttled or failing API: the user sees a readable error (gateway errors carry CORS headers)', async () => {
  try {
    // Throttled: one token, none refilled; the preflight takes it, the POST gets the gateway's 429.
    h.preview.setThrottle({ rate: 0, burst: 1 });
    await withPage(h.browser, `${testName()} throttled`, async (page) => {
      const email = uniqueEmail('throttled');
      await page.goto(`${h.preview.siteUrl}/contact.html`);
      await scriptReady(page);
      await fillValid(page, email);
      const response = page.waitForResponse((r) => r.request().method() === 'POST');
      await page.getByRole('button', { name: /send/i }).click();
      const throttled = await response;
      expect(throttled.status()).toBe(429);
      expect(throttled.headers()['access-control-allow-origin']).toBe(h.preview.siteUrl);
      await eventually(async () => expect(await page.getByRole('alert').textContent()).toMatch(/Too many messages are being sent right now/));
      expect(await itemsWithEmail(email)).toHaveLength(0);
    });

    // Failing: the function crashes; API Gateway answers 502 with the DEFAULT_5XX headers.
    h.preview.setThrottle(null);
    h.preview.setIntegrationFailure(true);
    await withPage(h.browser, `${testName()} failing`, async (page) => {
      const email = uniqueEmail('failing');
      await page.goto(`${h.preview.siteUrl}/contact.html`);
      await scriptReady(page);
      await fillValid(page, email);
      const response = page.waitForResponse((r) => r.request().method() === 'POST');
      await page.getByRole('button', { name: /send/i }).click();
      const failing = await response;
      expect(failing.status()).toBe(502);
      expect(failing.headers()['access-control-allow-origin']).toBe(h.preview.siteUrl);
      await eventually(async () =>
        expect(await page.getByRole('alert').textContent()).toMatch(/Something went wrong on our side and your message was not sent/),
      );
      expect(await page.getByRole('button', { name: /send/i }).isDisabled()).toBe(false);
      expect(await itemsWithEmail(email)).toHaveLength(0);

      // Trying again once the API is back: the same Idempotency-Key (same submission), stored once.
      h.preview.setIntegrationFailure(false);
      const retry = page.waitForResponse((r) => r.request().method() === 'POST');
      await page.getByRole('button', { name: /send/i }).click();
      const retried = await retry;
      expect(retried.status()).toBe(201);
      expect(retried.request().headers()['idempotency-key']).toBe(failing.request().headers()['idempotency-key']);
      await eventually(async () => expect(await page.getByRole('status').textContent()).toContain('Thank you'));
      expect(await page.locator('#form-alert').textContent()).toBe('');
      expect(await itemsWithEmail(email)).toHaveLength(1);
    });
  } finally {
    h.preview.setIntegrationFailure(false);
    h.preview.setThrottle(null);
  }
});

test('6. the site sends the security headers, and an unknown path shows the 404 page', async () => {
  for (const path of ['/', '/contact.html', '/no-such-page']) {
    const response = await fetch(`${h.preview.siteUrl}${path}`);
    expect(response.status).toBe(path === '/no-such-page' ? 404 : 200);
    expect(response.headers.get('strict-transport-security')).toBe('max-age=63072000');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(response.headers.get('permissions-policy')).toBe('camera=(), microphone=(), geolocation=(), payment=()');
    // The synthesized policy, with only the API's execute-api origin replaced by the local one.
    const synthesized = h.preview.stack.site.responseHeaders['Content-Security-Policy']!;
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toBe(synthesized.replace(/https:\/\/\$\{aws_api_gateway_rest_api\.[^ ;]+\.amazonaws\.com/g, h.preview.apiUrl));
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain(`connect-src 'self' ${h.preview.apiUrl};`);
    expect(csp).toContain(`form-action 'self' ${h.preview.apiUrl};`);
    expect(csp).toContain("frame-ancestors 'none'");
  }
  await withPage(h.browser, testName(), async (page) => {
    const response = await page.goto(`${h.preview.siteUrl}/no-such-page`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Page not found');
    expect(await page.title()).toBe('Page not found · Example Co.');
    // Directory paths are rewritten by the viewer-request function, like CloudFront.
    const home = await page.goto(`${h.preview.siteUrl}/`);
    expect(home?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('Cloud infrastructure, built to last');
  });
});
