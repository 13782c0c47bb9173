import { useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../shared/api-client.ts';
import type { Usage } from '../shared/api-types.ts';
import { ErrorBanner } from '../shared/error-banner.tsx';
import { Field } from '../shared/field.tsx';
import { formatCount } from '../shared/format.ts';
import { useAsync } from '../shared/use-async.ts';

const RANGES = [
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000, granularity: 'hour' },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000, granularity: 'day' },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000, granularity: 'day' },
] as const;
type RangeId = (typeof RANGES)[number]['id'];

/** A colour per verification outcome; unknown codes get grey. Order is the stacking order. */
const OUTCOME_COLOURS: Record<string, string> = {
  VALID: '#1f8a4c',
  DISABLED: '#b7791f',
  EXPIRED: '#6b7280',
  NOT_FOUND: '#c53030',
  ENVIRONMENT_MISMATCH: '#2b6cb0',
  IP_FORBIDDEN: '#805ad5',
  INSUFFICIENT_SCOPE: '#d53f8c',
  RESOURCE_FORBIDDEN: '#9c4221',
  RATE_LIMITED: '#dd6b20',
  USAGE_EXCEEDED: '#975a16',
  MALFORMED: '#4a5568',
};
const KNOWN_ORDER = Object.keys(OUTCOME_COLOURS);

interface Row {
  label: string;
  start: string;
  [code: string]: number | string;
}

function toRows(usage: Usage): { rows: Row[]; codes: string[]; totals: Record<string, number> } {
  const totals: Record<string, number> = {};
  const label = new Intl.DateTimeFormat(
    undefined,
    usage.granularity === 'hour'
      ? { hour: '2-digit', minute: '2-digit' }
      : { month: 'short', day: 'numeric' },
  );
  const rows = usage.buckets.map((bucket) => {
    const row: Row = { label: label.format(new Date(bucket.start)), start: bucket.start };
    for (const [code, count] of Object.entries(bucket.counts)) {
      if (!count) continue;
      row[code] = count;
      totals[code] = (totals[code] ?? 0) + count;
    }
    return row;
  });
  const codes = Object.keys(totals).sort((a, b) => {
    const ia = KNOWN_ORDER.indexOf(a);
    const ib = KNOWN_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  return { rows, codes, totals };
}

/** Verifications of one key over time, stacked by outcome, with the numbers as a table too. */
export function UsageChart({ keyId }: { keyId: string }) {
  const [rangeId, setRangeId] = useState<RangeId>('24h');
  const range = RANGES.find((r) => r.id === rangeId) ?? RANGES[0];
  const usage = useAsync(`usage:${keyId}:${rangeId}`, (signal) => {
    const to = new Date();
    const from = new Date(to.getTime() - range.ms);
    return api.keys.usage(
      keyId,
      { from: from.toISOString(), to: to.toISOString(), granularity: range.granularity },
      signal,
    );
  });
  const data = useMemo(() => (usage.data ? toRows(usage.data) : undefined), [usage.data]);
  const total = data ? Object.values(data.totals).reduce((a, b) => a + b, 0) : 0;

  return (
    <section className="panel" aria-labelledby="usage-title">
      <div className="panel__header">
        <h2 id="usage-title" className="panel__title">
          Usage
        </h2>
        <div className="panel__tools">
          <Field label="Period" className="field--inline">
            {(p) => (
              <select {...p} value={rangeId} onChange={(e) => setRangeId(e.target.value as RangeId)}>
                {RANGES.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button
            type="button"
            className="button button--small"
            onClick={usage.reload}
            disabled={usage.isLoading}
          >
            Refresh
          </button>
        </div>
      </div>
      <ErrorBanner error={usage.error} title="Could not load usage." onRetry={usage.reload} />
      {usage.isLoading && !data && <p className="muted">Loading usage…</p>}
      {data && (
        <>
          <p className="usage__summary" aria-live="polite">
            {total === 0 ? (
              'No verifications in this period.'
            ) : (
              <>
                <strong>{formatCount(total)}</strong> verification{total === 1 ? '' : 's'}:{' '}
                {data.codes.map((code, i) => (
                  <span key={code}>
                    {i > 0 && ', '}
                    {formatCount(data.totals[code] ?? 0)} {code}
                  </span>
                ))}
              </>
            )}
          </p>
          {total > 0 && (
            <figure className="chart" aria-label={`Verifications by outcome, ${range.label.toLowerCase()}`}>
              <ResponsiveContainer width="100%" height={260}>
                <BarChart data={data.rows} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="label" fontSize={12} minTickGap={16} />
                  <YAxis allowDecimals={false} fontSize={12} />
                  <Tooltip />
                  <Legend />
                  {data.codes.map((code) => (
                    <Bar
                      key={code}
                      dataKey={code}
                      stackId="outcomes"
                      fill={OUTCOME_COLOURS[code] ?? '#a0aec0'}
                      isAnimationActive={false}
                    />
                  ))}
                </BarChart>
              </ResponsiveContainer>
            </figure>
          )}
          {total > 0 && (
            <details className="disclosure">
              <summary>Show the numbers as a table</summary>
              <div className="table-wrap">
                <table className="table table--compact">
                  <caption className="visually-hidden">Verifications by outcome</caption>
                  <thead>
                    <tr>
                      <th scope="col">{range.granularity === 'hour' ? 'Hour' : 'Day'}</th>
                      {data.codes.map((code) => (
                        <th key={code} scope="col">
                          {code}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {data.rows
                      .filter((row) => data.codes.some((code) => row[code]))
                      .map((row) => (
                        <tr key={row.start}>
                          <th scope="row">{row.label}</th>
                          {data.codes.map((code) => (
                            <td key={code}>{formatCount(Number(row[code] ?? 0))}</td>
                          ))}
                        </tr>
                      ))}
                  </tbody>
                </table>
              </div>
            </details>
          )}
        </>
      )}
    </section>
  );
}
