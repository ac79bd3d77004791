import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PREPARED_FILES } from '../../src/data/index.js';
import type { AnalysisOutcome } from '../../src/monitor/index.js';
import { nycTaxiBuildPipeline } from '../../src/pipeline/index.js';
import { openApp } from '../support/pipeline-app.js';
import { SKIP_WITHOUT_NYC, nyc } from '../support/shared-data.js';
import { tmpDir } from '../support/tmp-dir.js';

/** The drift alarm's threshold (the sample's `feature_baseline_drift_fare_amount` > 0.4). */
const ALARM_THRESHOLD = 0.4;

const fareDrift = (outcome: AnalysisOutcome) => {
  const drift = outcome.drift.find((d) => d.feature === 'fare_amount');
  const metric = outcome.metrics.find((m) => m.name === 'feature_baseline_drift_fare_amount');
  assert.ok(drift && metric, JSON.stringify(outcome.drift));
  return { published: metric.value, simple: drift.simple! };
};

describe('the prediction-drift baseline on real TLC data', () => {
  it(
    'a model built on green 2021-01 serving 2021-02 trips: its output column barely drifts from the registered baseline, no alarm',
    { skip: SKIP_WITHOUT_NYC, timeout: 240_000 },
    async (t) => {
      const home = await tmpDir('driftline-pred-drift-');
      const app = await openApp(home);
      try {
        await app.pipelines.upsert(
          'nyc-taxi-build',
          nycTaxiBuildPipeline({ inputDataUrl: nyc('green_tripdata_2021-01.parquet'), inputZonesUrl: nyc('taxi_zones.zip') }),
        );
        const build = await app.pipelines.start('nyc-taxi-build', { parameters: { Seed: '42' } });
        assert.equal(build.execution.status, 'Succeeded', build.execution.failureReason);
        const version = await app.registry.describe('nyc-taxi', 1);
        const model = fileURLToPath(version.modelDataUrl);

        const dq = version.driftCheckBaselines.ModelDataQuality!;
        const labels = build.steps.find((s) => s.name === 'DataQualityBaselineJob')!.properties!;
        const baselines = {
          registered: { statistics: dq.Statistics!.S3Uri, constraints: dq.Constraints!.S3Uri },
          // The sample's design, for comparison: the same monitored rows against the actual fares' profile.
          'actual-fares': { statistics: String(labels['CalculatedBaselineStatistics']), constraints: String(labels['CalculatedBaselineConstraints']) },
        };

        /**
         * A month's trips, prepared as January's were, then what the endpoint would answer for each: the
         * monitored rows are the prediction first, then the inputs (header-less: matched by position),
         * checked against both baselines.
         */
        const monitorMonth = async (month: string) => {
          const prepared = path.join(home, `prepared-${month}`);
          await app.prepare.prepare({ trips: [nyc(`green_tripdata_${month}.parquet`)], zones: nyc('taxi_zones.zip'), out: prepared, seed: 42, replace: true });
          const trips = path.join(prepared, PREPARED_FILES.baseline);
          const { predictions, rows, droppedLabel } = await app.training.predict(model, trips, true);
          assert.ok(droppedLabel, 'the actual fare (first column) is not a feature');
          assert.ok(rows > 10_000, `${rows} trips of ${month} scored`);
          const lines = (await readFile(trips, 'utf8')).split('\n').filter((l) => l.trim() !== '');
          const monitored = lines.slice(1).map((l, i) => `${String(predictions[i])}${l.slice(l.indexOf(','))}`);
          assert.equal(monitored.length, rows);
          const window = path.join(home, `${month}-monitored.csv`);
          await writeFile(window, `${monitored.join('\n')}\n`);
          const check = async (label: keyof typeof baselines) =>
            fareDrift(
              await app.analyses.analyze({
                statistics: fileURLToPath(baselines[label].statistics),
                constraints: fileURLToPath(baselines[label].constraints),
                dataset: window,
                header: false,
                out: path.join(home, 'analysis', month, label),
                settings: { month: { exclude: true } },
                replace: true,
              }),
            );
          const [registered, sample] = [await check('registered'), await check('actual-fares')];
          t.diagnostic(
            `${month} (${rows} trips) feature_baseline_drift_fare_amount: ${registered.published.toFixed(4)} (KS ${registered.simple.toFixed(4)}) against the registered predictions baseline; ` +
              `${sample.published.toFixed(4)} (KS ${sample.simple.toFixed(4)}) against the actual fares (the sample's baseline)`,
          );
          return { registered, sample };
        };

        const { registered, sample } = await monitorMonth('2021-02');
        assert.ok(registered.simple < 0.05, `KS ${registered.simple} of the predictions against the baseline's predictions`);
        assert.ok(registered.published < 0.05 && registered.published < ALARM_THRESHOLD, `published ${registered.published}: no alarm`);
        // What the fix is for: against the actual fares the same healthy month looked drifted (issue 13: 0.13).
        assert.ok(sample.simple > 0.1, `KS ${sample.simple} against the actual fares`);
        // For the record (no assertion): March 2024, after the December 2022 fare increase. The trips
        // change little, so neither do the predictions; the error the new tariff causes is for
        // model-quality monitoring with ground truth.
        await monitorMonth('2024-03');
      } finally {
        await app.close();
      }
    },
  );
});
