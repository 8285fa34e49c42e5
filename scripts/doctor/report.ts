/**
 * The doctor's results: one check = one line (✔ pass, ✘ fail, – skipped with why), grouped by layer, and for
 * each failure the likely cause and the fix. As text for a person, as JSON for CI.
 */

export const LAYERS = ['DNS', 'TLS', 'CloudFront + S3', 'security headers', 'CORS', 'API + Lambda'] as const;
export type Layer = (typeof LAYERS)[number];

export type Status = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  readonly layer: Layer;
  /** What is checked, as a statement that holds when it passes ("www.example.com resolves (A and AAAA)"). */
  readonly check: string;
  readonly status: Status;
  /** What was seen (pass, fail) or why it was not checked (skip). */
  readonly detail: string;
  /** fail only: the likely cause, in the terms of the seed story. */
  readonly cause?: string;
  /** fail only: what to do. */
  readonly fix?: string;
}

export const pass = (layer: Layer, check: string, detail: string): CheckResult => ({ layer, check, status: 'pass', detail });
export const skip = (layer: Layer, check: string, why: string): CheckResult => ({ layer, check, status: 'skip', detail: why });
export const fail = (layer: Layer, check: string, detail: string, cause: string, fix: string): CheckResult => ({
  layer,
  check,
  status: 'fail',
  detail,
  cause,
  fix,
});

const MARK: Record<Status, string> = { pass: '✔', fail: '✘', skip: '–' };

export interface Summary {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export function summarize(results: readonly CheckResult[]): Summary {
  const count = (status: Status) => results.filter((r) => r.status === status).length;
  return { passed: count('pass'), failed: count('fail'), skipped: count('skip') };
}

/** What was checked, for the heading and the JSON. */
export interface Subject {
  readonly site: string;
  readonly api?: string;
  readonly names: readonly string[];
  /** Where the URLs came from (the state file, the outputs file, the command line). */
  readonly source: string;
}

export function formatText(subject: Subject, results: readonly CheckResult[]): string {
  const lines = [`Site ${subject.site}${subject.api ? `, API ${subject.api}` : ''} (from ${subject.source})`];
  for (const layer of LAYERS) {
    const inLayer = results.filter((r) => r.layer === layer);
    if (inLayer.length === 0) continue;
    lines.push('', layer);
    for (const r of inLayer) {
      lines.push(`  ${MARK[r.status]} ${r.check}: ${r.status === 'skip' ? `skipped: ${r.detail}` : r.detail}`);
      if (r.status === 'fail') lines.push(`      cause: ${r.cause}`, `      fix:   ${r.fix}`);
    }
  }
  const s = summarize(results);
  lines.push(
    '',
    `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped${s.failed === 0 ? '' : ': fix the ✘ lines above, from the top (a layer depends on the ones before it)'}`,
  );
  return `${lines.join('\n')}\n`;
}

export function formatJson(subject: Subject, results: readonly CheckResult[]): string {
  const summary = summarize(results);
  return `${JSON.stringify({ ok: summary.failed === 0, ...subject, summary, checks: results }, null, 2)}\n`;
}
