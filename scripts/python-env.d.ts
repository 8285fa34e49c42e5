/** Types of scripts/python-env.js (plain JavaScript so that it runs without tsx). */
export declare class PythonEnvError extends Error {}
/** Makes or refreshes `<project>/.venv` from tools/python/requirements.txt when needed; returns its python. */
export declare function ensurePythonEnv(): string;
/** True when the venv matches the requirements (no process is spawned). */
export declare function isUpToDate(): boolean;
export declare function venvPython(venvDir?: string): string;
/** The interpreter the venv is made with (`PYTHON` or python3) and its version; throws PythonEnvError when missing or too old. */
export declare function basePython(): { python: string; version: string };
export declare const VENV_DIR: string;
export declare const REQUIREMENTS: string;
