/**
 * The error answer for a browser that posted the form without JavaScript: it navigated to the API, so a JSON
 * body would be all the visitor sees. Instead a small HTML page says what was wrong, field by field, and
 * sends them back to the form with the browser's Back, which keeps what they typed (a link would not, and the
 * site's Referrer-Policy sends only its origin, not the form's path). Same status as the JSON answer;
 * `data-error` / `data-field` / `data-code` carry the JSON answer's codes for scripts such as `npm run doctor`.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from '../../shared/html';
import type { FieldError } from './field-error';

export interface ErrorPage {
  readonly error: string;
  readonly message: string;
  readonly requestId: string;
  readonly fields?: readonly FieldError[];
}

const STYLE =
  'body{font:1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}' +
  'h1{font-size:1.5rem}li{margin:.25rem 0}small{color:#555}';

/** The page's own policy: nothing but its inline style (by hash) may load or run. */
export const ERROR_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

export function renderErrorPage(page: ErrorPage): string {
  const fields = page.fields ?? [];
  const list =
    fields.length === 0
      ? ''
      : `<ul>${fields
          .map(
            (field) =>
              `<li data-field="${escapeHtml(field.field)}" data-code="${escapeHtml(field.code)}"><strong>${escapeHtml(labelOf(field.field))}</strong>: ${escapeHtml(field.message)}</li>`,
          )
          .join('')}</ul>`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Your message was not sent</title><style>${STYLE}</style></head>`,
    `<body><main data-error="${escapeHtml(page.error)}" data-request-id="${escapeHtml(page.requestId)}">`,
    '<h1>Your message was not sent</h1>',
    `<p>${escapeHtml(page.message)}</p>${list}`,
    '<p>Go back to the form with your browser’s Back button, correct it and send it again: what you typed is still there.</p>',
    `<p><small>Reference: ${escapeHtml(page.requestId)}</small></p>`,
    '</main></body></html>',
    '',
  ].join('\n');
}

/** `first_name` -> "First name", as the form labels it; a name the form does not have is shown quoted. */
function labelOf(field: string): string {
  if (!/^[a-z]+(?:_[a-z]+)*$/.test(field)) return `“${field}”`;
  const words = field.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
