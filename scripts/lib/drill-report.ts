// The drill's table: per measurement, how many people reached it and the p50/p95/max latency.

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function fmt(n: number): string {
  return (Number.isFinite(n) ? n.toFixed(0) : '-').padStart(8);
}

/** rows: a name and one latency per person (NaN for someone who never got there) */
export function printLatencies(title: string, rows: [string, number[]][]): void {
  console.log(title);
  console.log('what                          n     p50 ms   p95 ms   max ms');
  for (const [name, values] of rows) {
    const ok = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    console.log(`${name.padEnd(28)} ${String(ok.length).padStart(3)} ${fmt(percentile(ok, 50))} ${fmt(percentile(ok, 95))} ${fmt(ok.at(-1) ?? NaN)}`);
  }
}
