/** What the CLIs under scripts/ read and write besides the network: the process's, or a test's. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  /** The folder relative paths are given from (`npm run` starts scripts in the package folder; INIT_CWD is the user's). */
  readonly cwd: string;
  readonly now: () => Date;
}

/** The running process's streams, the user's folder and the clock. */
export function processCliIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.env.INIT_CWD ?? process.cwd(), now: () => new Date() };
}
