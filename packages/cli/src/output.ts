/** How the CLI prints: JSON for scripts (`--json`), aligned text for people. */
import type { ApiResponse } from './api-transport.ts';

/** A failed command: its stable code and message, printed on stderr. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Throws a {@link CliError} carrying the API's error code when the response is not 2xx. */
export function expectOk(response: ApiResponse): unknown {
  if (response.status >= 200 && response.status < 300) return response.body;
  const error = (response.body as { error?: { code?: string; message?: string } } | null)?.error;
  throw new CliError(error?.code ?? `HTTP_${response.status}`, error?.message ?? `HTTP ${response.status}`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints rows as aligned columns. */
export function printTable(rows: readonly Record<string, unknown>[], columns: readonly string[]): void {
  const cells = rows.map((row) => columns.map((column) => formatCell(row[column])));
  const widths = columns.map((column, i) =>
    Math.max(column.length, ...cells.map((row) => (row[i] as string).length)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(columns.map((c) => c.toUpperCase()))}\n`);
  for (const row of cells) process.stdout.write(`${line(row)}\n`);
}

/** Prints an object as `field: value` lines. */
export function printRecord(record: Record<string, unknown>): void {
  const width = Math.max(...Object.keys(record).map((k) => k.length));
  for (const [key, value] of Object.entries(record))
    process.stdout.write(`${key.padEnd(width)}  ${formatCell(value)}\n`);
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.map(formatCell).join(',') || '-';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
