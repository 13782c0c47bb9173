/**
 * Driver errors normalised: SQLite `SQLITE_CONSTRAINT_UNIQUE`/`_PRIMARYKEY` and PostgreSQL
 * `23505` both mean a unique constraint was violated.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const code = (error as { code: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
