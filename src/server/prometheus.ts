import type { MetricDatum } from '../metrics/index.js';

const name = (n: string) => `driftline_${n.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^([0-9])/, '_$1')}`;
const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labelName = (k: string) => k.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^([0-9])/, '_$1');

/**
 * The latest value of every metric in Prometheus' text exposition format (version 0.0.4): one
 * gauge per metric name, the namespace and the dimensions as labels, the data point's time as the
 * sample's timestamp.
 */
export function prometheusText(data: readonly MetricDatum[]): string {
  const byName = new Map<string, MetricDatum[]>();
  for (const d of data) {
    const n = name(d.name);
    const list = byName.get(n);
    if (list) list.push(d);
    else byName.set(n, [d]);
  }
  const lines: string[] = [];
  for (const [n, list] of [...byName.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    lines.push(`# HELP ${n} ${list[0]!.name} (${list[0]!.unit}), latest data point`, `# TYPE ${n} gauge`);
    for (const d of list) {
      const labels = [`namespace="${label(d.namespace)}"`, ...Object.entries(d.dimensions).map(([k, v]) => `${labelName(k)}="${label(v)}"`)].join(',');
      lines.push(`${n}{${labels}} ${Number.isFinite(d.value) ? d.value : 'NaN'} ${d.timestamp}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
