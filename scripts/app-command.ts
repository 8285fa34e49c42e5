import { isAbsolute, join } from 'node:path';

/**
 * How the example app runs from source: cdktf.json's `app` is `node` with these arguments (a test keeps
 * them equal), and the tools that synthesize the example themselves (preview, review, tests) use them too.
 * Relative paths: run it in the project folder.
 */
export const APP_NODE_ARGS: readonly string[] = ['--require', 'tsx/cjs', '--require', './scripts/no-source-maps.js', 'main.ts'];

/** The same command as one line, for messages. */
export const APP_COMMAND = `node ${APP_NODE_ARGS.join(' ')}`;

/** The same runner for another entry file, from any folder: the project's own files by absolute path. */
export function appNodeArgsFor(entry: string, projectDir: string): string[] {
  return [
    ...APP_NODE_ARGS.slice(0, -1).map((arg) => (arg.startsWith('./') ? join(projectDir, arg) : arg)),
    isAbsolute(entry) ? entry : join(projectDir, entry),
  ];
}
