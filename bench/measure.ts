import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface Command {
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Wall time of one run of `command`, in milliseconds; throws when it fails. */
export function timeOnce(command: Command): number {
  const started = performance.now();
  const result = spawnSync(command.command, command.args, {
    cwd: command.cwd,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', ...command.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const elapsed = performance.now() - started;
  if (result.status !== 0) {
    throw new Error(`${command.label} failed (${result.status}): ${result.stderr?.toString().slice(-2000)}`);
  }
  return elapsed;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Times `subject` and `baseline` in alternating rounds (after one warm-up each), so that whatever else
 * the machine does hits both alike, and returns both medians and the median of the per-round ratios.
 */
export function compare(subject: Command, baseline: Command, rounds: number): { subjectMs: number; baselineMs: number; ratio: number } {
  timeOnce(subject);
  timeOnce(baseline);
  const subjects: number[] = [];
  const baselines: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const s = timeOnce(subject);
    const b = timeOnce(baseline);
    subjects.push(s);
    baselines.push(b);
    ratios.push(s / b);
  }
  return { subjectMs: median(subjects), baselineMs: median(baselines), ratio: median(ratios) };
}

/** Least-squares line through (x, y): y = intercept + slope * x. */
export function fitLine(points: readonly { x: number; y: number }[]): { intercept: number; slope: number } {
  const n = points.length;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  const sxx = points.reduce((sum, p) => sum + (p.x - meanX) ** 2, 0);
  const sxy = points.reduce((sum, p) => sum + (p.x - meanX) * (p.y - meanY), 0);
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { intercept: meanY - slope * meanX, slope };
}
