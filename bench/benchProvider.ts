/**
 * The benchmarks' provider data: one service view `sv` with one asset `a1`, the `pct`
 * metric, and the account `bench` reading it with BENCH_TOKEN. Each benchmark gives the
 * attributes it measures.
 */
export const BENCH_TOKEN = 'bench-token-0123456789abcdef';

export function benchProvider(attributes: unknown[]) {
  return {
    metrics: [
      { id: 'pct', name: 'percentage', resultFormat: [{ name: 'percentage', type: 'number' }] },
    ],
    serviceViews: [{ id: 'sv', name: 'bench', assets: [{ id: 'a1', name: 'api', attributes }] }],
    accounts: [{ name: 'bench', token: BENCH_TOKEN, serviceViews: ['sv'] }],
  };
}

/** `m1`, with an objective its current result meets, and `m2`, without a result yet. */
export const BENCH_MEASUREMENTS = [
  {
    id: 'm1',
    metric: 'pct',
    objective: { condition: 'value[0].percentage >= 99.9' },
    result: { value: [{ percentage: 99.95 }], updateTime: '2026-01-01T00:00:00Z' },
  },
  { id: 'm2', metric: 'pct' },
];
