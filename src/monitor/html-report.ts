import type { AnalysisOutcome, FeatureDrift } from './analysis-types.js';
import { binCounts } from './distances.js';
import { KllSketch } from './kll-sketch.js';
import { esc, fmt, htmlPage, statusLine } from './html-page.js';
import type { FeatureStatistics, StatisticsFile } from './types.js';

/**
 * One self-contained HTML page (inline CSS and SVG, no script, no network) for an analysis: the
 * status, the violations table, and per feature the baseline-vs-current distribution and the drift
 * distance against its threshold.
 */
export function renderHtmlReport(input: {
  title: string;
  baseline: StatisticsFile;
  current?: StatisticsFile;
  outcome: AnalysisOutcome;
  generatedAt: string;
}): string {
  const { baseline, current, outcome } = input;
  const driftByName = new Map(outcome.drift.map((d) => [d.feature, d]));
  const missing = new Set(outcome.missingColumns);
  const sections = baseline.features.map((b) => {
    const c = current?.features.find((f) => f.name === b.name);
    const d = driftByName.get(b.name);
    const notChecked = outcome.unchecked.filter((u) => u.feature === b.name);
    const comparison = missing.has(b.name)
      ? '<p>Missing from the current data.</p>'
      : notChecked.length > 0
        ? notChecked.map((u) => `<p class="unchecked">Not checked (${esc(u.check)}): ${esc(u.reason)}.</p>`).join('\n')
        : distanceBar(d);
    return `<section class="feature${d?.exceeded && !d.excluded ? ' flagged' : notChecked.length > 0 || missing.has(b.name) ? ' unchecked' : ''}">
<h3>${esc(b.name)} <small>${esc(b.inferred_type)}</small></h3>
${chart(b, c)}
${comparison}
</section>`;
  });
  const unchecked =
    outcome.unchecked.length === 0
      ? ''
      : `<h2>Not checked</h2>
<p>These checks could not be run; the run makes no claim about them.</p>
<table><thead><tr><th>Feature</th><th>Check</th><th>Reason</th></tr></thead><tbody>${outcome.unchecked
          .map((u) => `<tr><td>${esc(u.feature)}</td><td>${esc(u.check)}</td><td>${esc(u.reason)}</td></tr>`)
          .join('')}</tbody></table>`;
  const columns = [
    outcome.missingColumns.length > 0 ? `Missing columns: ${outcome.missingColumns.map(esc).join(', ')}.` : '',
    outcome.extraColumns.length > 0 ? `Extra columns: ${outcome.extraColumns.map(esc).join(', ')}.` : '',
  ].filter((x) => x !== '');
  const violations =
    outcome.violations.length === 0
      ? '<p>No violations.</p>'
      : `<table><thead><tr><th>Feature</th><th>Check</th><th>Description</th></tr></thead><tbody>${outcome.violations
          .map((v) => `<tr><td>${esc(v.feature_name)}</td><td>${esc(v.constraint_check_type)}</td><td>${esc(v.description)}</td></tr>`)
          .join('')}</tbody></table>`;
  return htmlPage(
    input.title,
    `${statusLine(outcome)}
<p>Baseline rows: ${baseline.dataset.item_count}${current ? `, current rows: ${current.dataset.item_count}` : ''}. Generated ${esc(input.generatedAt)}.</p>
<h2>Violations</h2>
${violations}
${columns.length > 0 ? `<p>${columns.join(' ')}</p>\n` : ''}${unchecked}
<h2>Features</h2>
<p class="legend"><span style="background:#90a4ae"></span>baseline<span style="background:#ef6c00"></span>current</p>
<div class="grid">
${sections.join('\n')}
</div>`,
  );
}

/** Side-by-side bars: the baseline's ten buckets and the current data's share in the same bins, or category shares. */
function chart(b: FeatureStatistics, c: FeatureStatistics | undefined): string {
  let labels: string[] = [];
  let base: number[] = [];
  let cur: number[] = [];
  const bn = b.numerical_statistics;
  if (bn?.distribution?.kll?.buckets) {
    const buckets = bn.distribution.kll.buckets;
    labels = buckets.map((x) => fmt(x.lower_bound));
    base = buckets.map((x) => x.count);
    const ck = c?.numerical_statistics?.distribution?.kll;
    if (ck) {
      const sketch = KllSketch.fromLevels(ck.sketch.data, ck.sketch.parameters.k, ck.sketch.parameters.c);
      cur = binCounts(sketch, [bn.min, ...buckets.slice(0, -1).map((x) => x.upper_bound), bn.max]);
    }
  } else if (b.string_statistics?.distribution) {
    const top = b.string_statistics.distribution.categorical.buckets.slice(0, 10);
    labels = top.map((x) => String(x.value));
    base = top.map((x) => x.count);
    const counts = new Map((c?.string_statistics?.distribution?.categorical.buckets ?? []).map((x) => [String(x.value), x.count]));
    cur = top.map((x) => counts.get(String(x.value)) ?? 0);
  }
  if (labels.length === 0) return '<p>No distribution.</p>';
  const share = (xs: number[]) => {
    const t = xs.reduce((s, v) => s + v, 0);
    return xs.map((v) => (t > 0 ? v / t : 0));
  };
  const pb = share(base);
  const pc = share(cur);
  const max = Math.max(...pb, ...pc, 1e-9);
  const w = 340;
  const h = 120;
  const slot = w / labels.length;
  const bars = labels
    .map((label, i) => {
      const x = i * slot;
      const hb = (pb[i]! / max) * h;
      const hc = ((pc[i] ?? 0) / max) * h;
      return (
        `<rect x="${(x + 2).toFixed(1)}" y="${(h - hb).toFixed(1)}" width="${(slot / 2 - 2).toFixed(1)}" height="${hb.toFixed(1)}" fill="#90a4ae"><title>${esc(label)}: baseline ${(pb[i]! * 100).toFixed(1)}%</title></rect>` +
        (cur.length
          ? `<rect x="${(x + slot / 2).toFixed(1)}" y="${(h - hc).toFixed(1)}" width="${(slot / 2 - 2).toFixed(1)}" height="${hc.toFixed(1)}" fill="#ef6c00"><title>${esc(label)}: current ${((pc[i] ?? 0) * 100).toFixed(1)}%</title></rect>`
          : '') +
        `<text x="${(x + slot / 2).toFixed(1)}" y="${h + 12}" font-size="9" text-anchor="middle">${esc(label.length > 8 ? `${label.slice(0, 7)}…` : label)}</text>`
      );
    })
    .join('');
  return `<svg viewBox="0 0 ${w} ${h + 16}" width="100%" role="img" aria-label="distribution">${bars}</svg>`;
}

/** The drift distance against its threshold. */
function distanceBar(d: FeatureDrift | undefined): string {
  if (!d) return '<p>No drift comparison.</p>';
  const scale = Math.max(d.threshold * 2, d.distance, 1e-9);
  const pct = (x: number) => `${Math.min(100, (x / scale) * 100).toFixed(1)}%`;
  const colour = d.excluded ? '#9e9e9e' : d.exceeded ? '#c62828' : '#2e7d32';
  return `<div style="position:relative;height:12px;background:#eee;border-radius:3px;margin:6px 0">
<div style="width:${pct(Number.isNaN(d.distance) ? 0 : d.distance)};height:100%;background:${colour};border-radius:3px"></div>
<div style="position:absolute;left:${pct(d.threshold)};top:-3px;width:2px;height:18px;background:#000" title="threshold"></div></div>
<p>${esc(d.method)} distance <b>${fmt(d.distance)}</b> vs threshold ${fmt(d.threshold)}${d.excluded ? ' (excluded)' : d.exceeded ? ' — <b>drift</b>' : ''}.
${d.simple !== undefined ? `Simple ${fmt(d.simple)}, robust ${fmt(d.robust)}, sketch error ≤ ${fmt(d.sketchErrorBound)}, PSI ${fmt(d.psi)}, Jensen–Shannon ${fmt(d.jensenShannon)}, Wasserstein/σ ${fmt(d.wassersteinNormalized)}.` : ''}</p>`;
}
