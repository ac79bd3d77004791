import assert from 'node:assert/strict';
import { it } from 'node:test';
import { analyze } from './analyze.js';
import { DatasetProfile } from './dataset-profile.js';
import { renderHtmlReport } from './html-report.js';
import { toStatistics } from './statistics.js';
import { suggestConstraints } from './suggest-constraints.js';

function profile(values: (v: number) => string[], n: number): DatasetProfile {
  const p = new DatasetProfile(['x', 'kind']);
  for (let i = 0; i < n; i++) {
    p.itemCount++;
    values(i).forEach((cell, c) => p.columns[c]!.add(cell));
  }
  return p;
}

it('renders one self-contained page: status, violations, a chart and a distance per feature, escaped', () => {
  const base = profile((i) => [String(i % 10), i % 2 ? 'a' : '<b>'], 500);
  const cur = profile((i) => [String((i % 10) + 8), i % 2 ? 'a' : '<b>'], 500);
  const stats = toStatistics(base);
  const outcome = analyze(stats, suggestConstraints(stats), cur);
  assert.equal(outcome.drift.find((d) => d.feature === 'x')!.ksExact, true); // 500 values: both sketches exact
  const html = renderHtmlReport({ title: 'drift <check>', baseline: stats, current: outcome.statistics!, outcome, generatedAt: '2026-11-30T00:00:00.000Z' });
  assert.match(html, /^<!doctype html>/);
  assert.doesNotMatch(html, /<script|https?:\/\/|<link /);
  assert.match(html, /CompletedWithViolations/);
  assert.match(html, /<td>x<\/td><td>baseline_drift_check<\/td>/);
  assert.equal((html.match(/<svg /g) ?? []).length, 2);
  assert.match(html, /drift &lt;check&gt;/);
  assert.match(html, /&lt;b&gt;/);
  assert.doesNotMatch(html, /<b>&lt;|<title><b>/);
});

it('prints values near the largest double without Infinity or NaN, and lists checks that could not be run', () => {
  const base = profile((i) => [i % 2 ? '-1.7976e308' : '1.7976931348623157e308', 'a'], 10);
  const stats = toStatistics(base);
  const outcome = analyze(
    stats,
    suggestConstraints(stats),
    profile(() => ['', 'a'], 5),
  );
  assert.deepEqual(
    outcome.unchecked.map((u) => [u.feature, u.check]),
    [['x', 'baseline_drift_check']],
  );
  const html = renderHtmlReport({ title: 't', baseline: stats, current: outcome.statistics!, outcome, generatedAt: '2026-11-30T00:00:00.000Z' });
  assert.doesNotMatch(html, /NaN|undefined|(?<!L)Infinity/);
  assert.match(html, /<title>-1\.798e\+308: baseline 50\.0%<\/title>/);
  assert.match(html, /<td>x<\/td><td>baseline_drift_check<\/td><td>the current data has no values in this column<\/td>/);
});
