/** One structured JSON log line. Callers pass ids, outcomes and field names only, never field values. */
export function logEvent(level: 'info' | 'warn' | 'error', fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ level, ...fields }));
}
