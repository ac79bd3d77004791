import type { MergeSummary } from './ground-truth/merge-ground-truth.js';
import { esc, fmt, htmlPage, statusLine } from './html-page.js';
import {
  fromJsonDouble,
  REGRESSION_METRICS,
  type RegressionConstraintsFile,
  type RegressionMetricName,
  type RegressionStatisticsFile,
} from './model-quality/index.js';

/** What the merge accounted for, in the order a reader asks: how much was there, how much was labelled, what was left. */
const MERGE_ROWS: readonly [keyof MergeSummary, string][] = [
  ['captureRecords', 'captured records in the window'],
  ['mergedRecords', 'merged with their label'],
  ['mergedRows', 'rows scored (a batch request has several)'],
  ['unlabelledRecords', 'records without a label yet'],
  ['labels', 'distinct labels read'],
  ['duplicateLabels', 'labels sent again (counted once)'],
  ['conflictingLabels', 'labels sent again with another value (the last kept)'],
  ['labelsNotMatched', 'labels matching no record of the window'],
  ['unusableRecords', 'records whose label or prediction could not be used'],
  ['malformedCaptures', 'unreadable capture lines'],
  ['malformedLabels', 'unreadable label lines'],
];

/**
 * A model-quality run's page (self-contained, no script): its status, each metric of the window
 * against the baseline and the threshold it is checked with, the violations, and what the merge
 * with the ground truth found.
 */
export function renderModelQualityReport(input: {
  title: string;
  outcome: {
    status: string;
    exitMessage: string;
    failureReason?: string;
    statistics?: RegressionStatisticsFile;
    violations: readonly { metric_name: string; constraint_check_type: string; description: string }[];
    baseline?: Readonly<Partial<Record<RegressionMetricName, number>>>;
  };
  constraints: RegressionConstraintsFile;
  merge?: MergeSummary;
  generatedAt: string;
}): string {
  const { outcome, constraints, merge } = input;
  const flagged = new Set(outcome.violations.map((v) => v.metric_name));
  const metrics = outcome.statistics
    ? `<table><thead><tr><th>Metric</th><th>This window</th><th>Standard deviation</th><th>Baseline</th><th>Checked against</th></tr></thead><tbody>${REGRESSION_METRICS.map(
        (m) => {
          const e = outcome.statistics!.regression_metrics[m];
          const c = constraints.regression_constraints[m];
          return `<tr><td>${esc(m)}</td><td${flagged.has(m) ? ' class="bad"' : ''}>${fmt(fromJsonDouble(e.value))}</td><td>${fmt(fromJsonDouble(e.standard_deviation))}</td><td>${fmt(outcome.baseline?.[m])}</td><td>${c ? `${esc(c.comparison_operator)} ${fmt(fromJsonDouble(c.threshold))}` : 'not checked'}</td></tr>`;
        },
      ).join('')}</tbody></table>
<p>Rows: ${outcome.statistics.dataset.item_count}.</p>`
    : '<p>No metrics: nothing to score.</p>';
  const violations =
    outcome.violations.length === 0
      ? '<p>No violations.</p>'
      : `<table><thead><tr><th>Metric</th><th>Check</th><th>Description</th></tr></thead><tbody>${outcome.violations
          .map((v) => `<tr><td>${esc(v.metric_name)}</td><td>${esc(v.constraint_check_type)}</td><td>${esc(v.description)}</td></tr>`)
          .join('')}</tbody></table>`;
  const mergeTable = merge
    ? `<h2>Merge with the ground truth</h2>
<table><tbody>${MERGE_ROWS.map(([k, label]) => `<tr><td>${esc(label)}</td><td>${esc(merge[k])}</td></tr>`).join('')}</tbody></table>${
        merge.examples.length > 0 ? `<ul>${merge.examples.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : ''
      }`
    : '';
  return htmlPage(
    input.title,
    `${statusLine(outcome)}
<p>Generated ${esc(input.generatedAt)}.</p>
<h2>Regression metrics</h2>
${metrics}
<h2>Violations</h2>
${violations}
${mergeTable}`,
  );
}
