/**
 * Small Markdown writers for the review report. Everything that comes from a stack or a plan goes
 * through `text` or `code`, and every table through `table`, so that names holding `|`, backticks,
 * `*` or newlines cannot break the document.
 */

/**
 * Plain text with Markdown punctuation backslash-escaped (CommonMark allows it on any ASCII punctuation);
 * `_` inside a word (`aws_s3_bucket`) starts no emphasis and stays as it is.
 */
export function text(value: string): string {
  return oneLine(value)
    .replace(/[\\`*[\]<>#!~]/g, (c) => `\\${c}`)
    .replace(/_/g, (c, offset: number, all: string) => (/[A-Za-z0-9]/.test(all[offset - 1] ?? '') && /[A-Za-z0-9]/.test(all[offset + 1] ?? '') ? c : `\\${c}`));
}

/** An inline code span that survives backticks inside the value (a longer fence, padded with spaces). */
export function code(value: string): string {
  const flat = oneLine(value);
  if (flat === '') return '` `';
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A list of code spans, comma separated; longer lists are cut with a count of the rest. */
export function codeList(values: readonly string[], max = Infinity): string {
  if (values.length === 0) return '';
  const shown = values.slice(0, max).map(code).join(', ');
  return values.length > max ? `${shown} (+${values.length - max} more)` : shown;
}

/**
 * A GitHub-flavoured Markdown table. Cells are already-rendered Markdown; a `|` in them (also inside
 * code spans, where GFM honours `\|` too) is escaped here, and only here.
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (value: string): string => oneLine(value).replace(/\|/g, '\\|') || ' ';
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [line(headers), `|${headers.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** Shortens long values for a table cell, keeping the start. */
export function truncate(value: string, max = 120): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

/** `${aws_s3_bucket.site.arn}/*` -> `aws_s3_bucket.site.arn/*`: Terraform references without the interpolation noise. */
export function expression(value: string): string {
  return value.replace(/\$\{([^{}]*)\}/g, '$1');
}

function oneLine(value: string): string {
  return value.replace(/\r?\n|\r/g, ' ');
}
