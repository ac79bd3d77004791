import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DescribeModelPackageJson } from '../../src/registry/index.js';
import { cli } from '../support/cli-runner.js';
import { openApp } from '../support/pipeline-app.js';
import { tmpDir } from '../support/tmp-dir.js';

const GROUP = 'nyc-taxi-fare-model-production-eu-west-1';
const PIPELINE = 'nyc-taxi-build-with-a-rather-long-name';

describe('registry versions', () => {
  it("shows each version's rmse and r2 in a table that fits 120 columns; --json keeps every field", async () => {
    const home = await tmpDir();
    const app = await openApp(home);
    const arns: string[] = [];
    try {
      const register = async (exec: string, metrics: { rmse: number; r2: number } | undefined) => {
        const prefix = `pipelines/${PIPELINE}/${exec}`;
        let modelMetrics = {};
        if (metrics) {
          const evaluation = {
            regression_metrics: {
              mae: { value: 2.5, standard_deviation: 1 },
              mse: { value: metrics.rmse ** 2, standard_deviation: 1 },
              rmse: { value: metrics.rmse, standard_deviation: 1 },
              r2: { value: metrics.r2, standard_deviation: 0 },
            },
          };
          const info = await app.artifacts.put(`${prefix}/EvaluateModel/evaluation/evaluation.json`, JSON.stringify(evaluation));
          modelMetrics = {
            ModelQuality: {
              Statistics: {
                ContentType: 'application/json',
                S3Uri: app.artifacts.uriOf(`${prefix}/EvaluateModel/evaluation/evaluation.json`),
                ContentDigest: info.sha256,
              },
            },
          };
        }
        const pkg = await app.registry.register({
          group: GROUP,
          modelDataUrl: app.artifacts.uriOf(`${prefix}/TrainModel/model/model.json`),
          modelSha256: 'c'.repeat(64),
          generatedBy: `arn:aws:sagemaker:local:000000000000:pipeline/${PIPELINE}/execution/${exec}`,
          modelMetrics,
        });
        arns.push(pkg.arn);
      };
      await register('exec-01m8w8qr0qkdy0t2mmks', { rmse: 3.42137, r2: 0.87412 });
      await register('exec-01m8w8qr0qkdy0t2mmkt', { rmse: 12345.678, r2: -1.5 });
      await register('exec-01m8w8qr0qkdy0t2mmku', undefined);
      await app.registry.approve(GROUP, 1, { by: 'alice.marie-longname@data-platform.example.com', reason: 'rmse below the gate' });
      await app.registry.reject(GROUP, 2, { by: 'bob', reason: 'worse' });
    } finally {
      await app.close();
    }

    const run = await cli(['registry', 'versions', GROUP], { home });
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    for (const line of lines) assert.ok(line.length <= 120, `${line.length} columns: ${line}`);
    const header = lines[0]!.split(/\s{2,}/);
    assert.ok(header.includes('RMSE') && header.includes('R2'), lines[0]);
    const cell = (row: number, name: string) => lines[row]!.slice(lines[0]!.indexOf(name)).split(/\s{2,}/)[0];
    assert.equal(cell(1, 'RMSE'), '3.421');
    assert.equal(cell(1, 'R2'), '0.874');
    assert.equal(cell(2, 'RMSE'), '12345.678');
    assert.equal(cell(2, 'R2'), '-1.500');
    assert.equal(cell(3, 'RMSE'), '-');
    assert.match(lines[1]!, /^1\s+Approved\s/);
    assert.match(lines[1]!, /exec-01m8w8qr0qkdy0t2mmks/);

    const json = await cli(['--json', 'registry', 'versions', GROUP], { home });
    const list = json.json<{ ModelPackageSummaryList: (DescribeModelPackageJson & { ModelQualityMetrics?: Record<string, number> })[] }>()
      .ModelPackageSummaryList;
    assert.deepEqual(
      list.map((p) => p.ModelPackageArn),
      arns,
    );
    assert.equal(list[0]!.MetadataProperties?.GeneratedBy, `arn:aws:sagemaker:local:000000000000:pipeline/${PIPELINE}/execution/exec-01m8w8qr0qkdy0t2mmks`);
    assert.equal(list[0]!.Driftline.ApprovalHistory.at(-1)?.By, 'alice.marie-longname@data-platform.example.com');
    assert.deepEqual(list[0]!.Driftline.ModelQualityMetrics, { mae: 2.5, mse: 3.42137 ** 2, rmse: 3.42137, r2: 0.87412 });
    assert.equal(list[2]!.Driftline.ModelQualityMetrics, undefined);
  });
});
