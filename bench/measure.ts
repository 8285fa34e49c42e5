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
  const { subjectMs, baselines } = compareAll(subject, [baseline], rounds);
  return { subjectMs, baselineMs: baselines[0]!.baselineMs, ratio: baselines[0]!.ratio };
}

/**
 * `compare` against several baselines at once: each round runs the subject and every baseline once (after one
 * warm-up each), in an order that rotates from round to round, so that no command always runs right after the
 * same other one. Returns the subject's median and, per baseline, its median, the per-round ratios subject /
 * baseline and their median.
 */
export function compareAll(
  subject: Command,
  baselines: readonly Command[],
  rounds: number,
): { subjectMs: number; baselines: { baselineMs: number; ratio: number; ratios: number[] }[] } {
  const commands = [subject, ...baselines];
  commands.forEach((command) => timeOnce(command));
  const samples: number[][] = commands.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    for (let step = 0; step < commands.length; step += 1) {
      const index = (round + step) % commands.length;
      samples[index]!.push(timeOnce(commands[index]!));
    }
  }
  const subjects = samples[0]!;
  return {
    subjectMs: median(subjects),
    baselines: baselines.map((_, i) => {
      const ratios = subjects.map((s, round) => s / samples[i + 1]![round]!);
      return { baselineMs: median(samples[i + 1]!), ratio: median(ratios), ratios };
    }),
  };
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
