/** Text for HTML element content or a double-quoted attribute value: `&`, `"`, `<` and `>` escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
