import { Token } from 'cdktf';
import { escapeHtml } from '../../shared/html';

/**
 * Page values: `{{name}}` placeholders in a site's HTML that are filled when the page is published,
 * e.g. the contact form's no-JavaScript `action="{{contactEndpoint}}"`, whose URL only exists once
 * Terraform has made the API. One place decides the syntax: StaticSite and the local preview use it.
 */
export const PAGE_VALUE_PLACEHOLDER = /\{\{([A-Za-z][A-Za-z0-9_]*)\}\}/g;
const PAGE_VALUE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export function isPageValueName(name: string): boolean {
  return PAGE_VALUE_NAME.test(name);
}

/** True when the text names at least one page value. */
export function hasPageValues(text: string): boolean {
  return new RegExp(PAGE_VALUE_PLACEHOLDER.source).test(text);
}

/** Fills the placeholders that have a value (HTML-escaped); leaves the others as they are. */
export function fillPageValues(html: string, values: Readonly<Record<string, string>>): string {
  return html.replace(PAGE_VALUE_PLACEHOLDER, (match, name: string) => (Object.hasOwn(values, name) ? escapeHtml(values[name]!) : match));
}

/** Escapes text for a Terraform string, where `${` and `%{` would start an interpolation or directive. */
export function escapeTerraformTemplate(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/**
 * The page as the `content` of a Terraform object: the file's own text escaped for Terraform, and each
 * value either a Terraform reference (resolved at apply time, inserted as is: an API URL holds no
 * characters that need HTML escaping) or a literal (HTML- and Terraform-escaped).
 */
export function terraformPageContent(html: string, values: Readonly<Record<string, string>>): string {
  let content = '';
  let last = 0;
  for (const match of html.matchAll(PAGE_VALUE_PLACEHOLDER)) {
    const [placeholder, name] = match;
    content += escapeTerraformTemplate(html.slice(last, match.index));
    const value = Object.hasOwn(values, name!) ? values[name!]! : undefined;
    if (value === undefined) content += escapeTerraformTemplate(placeholder);
    else content += Token.isUnresolved(value) ? value : escapeTerraformTemplate(escapeHtml(value));
    last = match.index! + placeholder.length;
  }
  return content + escapeTerraformTemplate(html.slice(last));
}
