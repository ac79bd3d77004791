import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cli } from '../support/cli-runner.js';
import { openApp, sha256File } from '../support/pipeline-app.js';
import { tmpDir } from '../support/tmp-dir.js';

// The CLI files labels by the real time they are collected: the captured hour is the one before now,
// and the schedule runs three hours later with offsets that put its window on that hour.
const HOUR_MS = 3_600_000;
const CAPTURED = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
const HOUR = new Date(CAPTURED).toISOString().slice(0, 13);
const iso = (ms: number) => new Date(ms).toISOString();

/** A capture record as SageMaker writes it, for a trip with an inference id. */
function captured(id: string, minute: number, prediction: number): string {
  return JSON.stringify({
    captureData: {
      endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: `1,40.7,-73.9,40.8,-73.95,${(minute / 10).toFixed(1)},10,3,12`, encoding: 'CSV' },
      endpointOutput: { observedContentType: 'text/csv; charset=utf-8', mode: 'OUTPUT', data: String(prediction), encoding: 'CSV' },
    },
    eventMetadata: { eventId: `uuid-${id}`, inferenceId: id, inferenceTime: `${HOUR}:${String(minute).padStart(2, '0')}:00Z` },
    eventVersion: '0',
  });
}

describe('ground truth and model-quality schedules (CLI)', () => {
  it('put labels (JSON Lines, CSV), refuse a bad batch whole, run a ModelQuality schedule on the merge, reconcile, export for retraining', async () => {
    const home = await tmpDir('driftline-gt-cli-');
    const app = await openApp(home);
    try {
      const model = path.join(home, 'model.json');
      await writeFile(model, '{}');
      await app.registry.register({ group: 'taxi', modelDataUrl: `file://${model}`, modelSha256: await sha256File(model), approvalStatus: 'Approved' });
      await app.endpoints.deployModel({ endpointName: 'ep', modelPackage: 'taxi/1', capturePercent: 100 });
      // Ten captured trips between 10:00 and 10:59, predictions 10..19.
      const variantDir = path.join(
        home,
        'artifacts',
        'datacapture',
        'ep',
        'AllTraffic',
        HOUR.slice(0, 4),
        HOUR.slice(5, 7),
        HOUR.slice(8, 10),
        HOUR.slice(11, 13),
      );
      await mkdir(variantDir, { recursive: true });
      await writeFile(path.join(variantDir, '00-00-000-a.jsonl'), Array.from({ length: 10 }, (_, i) => `${captured(`trip-${i}`, i * 5, 10 + i)}\n`).join(''));
      const mq = path.join(home, 'mq');
      await mkdir(mq);
      await writeFile(
        path.join(mq, 'constraints.json'),
        JSON.stringify({ version: 0.0, regression_constraints: { rmse: { threshold: 1.5, comparison_operator: 'GreaterThanThreshold' } } }),
      );

      // Labels: six as SageMaker records (one sent twice), three as CSV with a header; one label for a trip never captured.
      const jsonl = path.join(home, 'labels.jsonl');
      const record = (id: string, v: number) =>
        JSON.stringify({ groundTruthData: { data: String(v), encoding: 'CSV' }, eventMetadata: { eventId: id }, eventVersion: '0' });
      await writeFile(jsonl, [0, 1, 2, 3, 4, 4].map((i) => record(`trip-${i}`, 10 + i + 1)).join('\n') + '\n');
      const put = await cli(['--json', 'ground-truth', 'put', 'ep', '--file', jsonl], { home });
      assert.equal(put.code, 0, put.stderr);
      assert.deepEqual((({ accepted, duplicatesInBatch }) => ({ accepted, duplicatesInBatch }))(put.json<{ accepted: number; duplicatesInBatch: number }>()), {
        accepted: 5,
        duplicatesInBatch: 1,
      });
      const csv = path.join(home, 'labels.csv');
      await writeFile(csv, 'inference_id,label\ntrip-5,19\ntrip-6,22\nghost,7\n');
      const putCsv = await cli(['ground-truth', 'put', 'ep', '--file', csv], { home });
      assert.equal(putCsv.code, 0, putCsv.stderr);
      assert.match(putCsv.stdout, /^stored 3 label\(s\) for ep -> /);

      const gtRoot = path.join(home, 'artifacts', 'ground-truth', 'ep');
      const filesBefore = await listFiles(gtRoot);
      const bad = path.join(home, 'bad.jsonl');
      await writeFile(bad, `${record('trip-7', 3)}\n{"inferenceId":"trip-8","label":"n/a"}\n`);
      const refused = await cli(['ground-truth', 'put', 'ep', '--file', bad], { home });
      assert.equal(refused.code, 2, refused.stderr);
      assert.equal(refused.stderr.trim().split('\n').length, 1);
      assert.match(refused.stderr, /label 2: label 'n\/a' of 'trip-8' is not a number/);
      assert.deepEqual(await listFiles(gtRoot), filesBefore, 'nothing stored from a refused batch');
      const unknown = await cli(['ground-truth', 'put', 'nope', '--file', csv], { home });
      assert.equal(unknown.code, 3, unknown.stderr);

      // A ModelQuality schedule on the endpoint's default ground truth, its window two to three hours before each run.
      const created = await cli(
        [
          '--json',
          'schedule',
          'create',
          'ep-mq',
          '--endpoint',
          'ep',
          '--type',
          'ModelQuality',
          '--constraints',
          path.join(mq, 'constraints.json'),
          '--minimum-records',
          '5',
          '--start-offset',
          '-PT3H',
          '--end-offset',
          '-PT2H',
        ],
        { home },
      );
      assert.equal(created.code, 0, created.stderr);
      const described = created.json<{ MonitoringType: string; ModelQualityJobInput: { GroundTruthS3Input: { S3Uri: string } } }>();
      assert.equal(described.MonitoringType, 'ModelQuality');
      assert.equal(described.ModelQualityJobInput.GroundTruthS3Input.S3Uri, `file://${gtRoot}`);
      const run = await cli(['--json', 'schedule', 'run', 'ep-mq', '--at', iso(CAPTURED + 3 * HOUR_MS)], { home });
      assert.equal(run.code, 0, run.stderr);
      const summary = run.json<{ MonitoringExecutionStatus: string; Driftline: { rows: number; output: string; merge: Record<string, number> } }>();
      assert.equal(summary.MonitoringExecutionStatus, 'CompletedWithViolations', run.stdout);
      assert.deepEqual(summary.Driftline.merge, { captureRecords: 10, mergedRecords: 7, unlabelledRecords: 3, labelsNotMatched: 1 });
      const stats = JSON.parse(await readFile(path.join(summary.Driftline.output, 'statistics.json'), 'utf8')) as {
        dataset: { item_count: number };
        regression_metrics: { rmse: { value: number } };
      };
      assert.equal(stats.dataset.item_count, 7);
      // Labels are prediction + 1 for trips 0-4, then 19 for 15 (4 off) and 22 for 16 (6 off): rmse sqrt((5 + 16 + 36) / 7).
      assert.ok(Math.abs(stats.regression_metrics.rmse.value - Math.sqrt(57 / 7)) < 1e-12, String(stats.regression_metrics.rmse.value));
      const violations = JSON.parse(await readFile(path.join(summary.Driftline.output, 'constraint_violations.json'), 'utf8')) as {
        violations: { metric_name: string; constraint_check_type: string }[];
      };
      assert.deepEqual(
        violations.violations.map((v) => [v.metric_name, v.constraint_check_type]),
        [['rmse', 'GreaterThanThreshold']],
        'rmse 2.85 is above the 1.5 of the constraints',
      );
      const report = await readFile(path.join(summary.Driftline.output, 'report.html'), 'utf8');
      assert.match(report, /<td>rmse<\/td><td class="bad">2\.854<\/td>/);
      assert.match(report, /<td>records without a label yet<\/td><td>3<\/td>/);
      const merged = (await readFile(path.join(summary.Driftline.output, 'merged.jsonl'), 'utf8')).trim().split('\n');
      assert.equal(merged.length, 7);
      const rmse = (await app.metrics.latest('aws/sagemaker/Endpoints/model-metrics')).find((d) => d.name === 'rmse');
      assert.ok(rmse && Math.abs(rmse.value - Math.sqrt(57 / 7)) < 1e-12);

      // Reconcile: every label accounted for, the one with no capture named.
      const reconciled = await cli(['--json', 'ground-truth', 'reconcile', 'ep', '--from', iso(CAPTURED), '--to', iso(CAPTURED + 3 * HOUR_MS)], { home });
      assert.equal(reconciled.code, 0, reconciled.stderr);
      const r = reconciled.json<{ labels: number; duplicateLabels: number; mergedRecords: number; labelsWithoutCapture: string[] }>();
      assert.deepEqual(
        [r.labels, r.duplicateLabels, r.mergedRecords, r.labelsWithoutCapture],
        [8, 0, 7, ['ghost']],
        'the repeat inside a batch was dropped at ingestion',
      );

      // Export: the labelled trips as a features table the build's PreprocessData splits as is.
      const out = path.join(home, 'export', 'captured.csv');
      const exported = await cli(['ground-truth', 'export', 'ep', '--out', out, '--days', '1', '--to', iso(CAPTURED + 3 * HOUR_MS)], { home });
      assert.equal(exported.code, 0, exported.stderr);
      const lines = (await readFile(out, 'utf8')).trim().split('\n');
      assert.equal(lines[0], 'fare_amount,passenger_count,pickup_latitude,pickup_longitude,dropoff_latitude,dropoff_longitude,geo_distance,hour,weekday,month');
      assert.equal(lines.length, 8);
      assert.equal(lines[1], '11,1,40.7,-73.9,40.8,-73.95,0.0,10,3,12');
      const prepared = await app.prepare.prepare({ trips: [out], zones: path.join(home, 'no-zones-needed.zip'), out: path.join(home, 'prepared'), seed: 1 });
      assert.equal(prepared.report.rowsKept, 7);
      assert.equal(prepared.report.inputs[0]?.schema, 'features');
    } finally {
      await app.close();
    }
  });
});

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory()) await walk(path.join(d, e.name));
      else out.push(path.join(d, e.name));
    }
  };
  await walk(dir);
  return out.sort();
}
