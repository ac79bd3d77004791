import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toDescribeModelPackage, toModelPackageGroupSummary } from './describe-model-package.js';
import type { ModelPackage } from './types.js';

const BASE: ModelPackage = {
  group: 'taxi',
  version: 2,
  arn: 'arn:aws:sagemaker:local:000000000000:model-package/taxi/2',
  name: 'taxi/2',
  status: 'Completed',
  approvalStatus: 'Rejected',
  approval: { by: 'bob', at: Date.UTC(2024, 0, 2), reason: 'too slow' },
  approvalHistory: [
    { status: 'PendingManualApproval', by: 'ci', at: Date.UTC(2024, 0, 1) },
    { status: 'Rejected', by: 'bob', at: Date.UTC(2024, 0, 2), reason: 'too slow' },
  ],
  createdAt: Date.UTC(2024, 0, 1),
  lastModifiedAt: Date.UTC(2024, 0, 2),
  modelDataUrl: 'file:///m.json',
  modelSha256: 'a'.repeat(64),
  inferenceSpecification: {
    containers: [{ image: 'img', modelDataUrl: 'file:///m.json' }],
    supportedContentTypes: ['text/csv'],
    supportedResponseMimeTypes: ['text/csv'],
  },
  modelMetrics: {},
  driftCheckBaselines: {},
  customerMetadata: {},
  tags: { team: 'fares' },
};

describe('toDescribeModelPackage', () => {
  it("uses DescribeModelPackage's field names and keeps driftline's extras apart", () => {
    assert.deepEqual(toDescribeModelPackage(BASE), {
      ModelPackageGroupName: 'taxi',
      ModelPackageVersion: 2,
      ModelPackageArn: BASE.arn,
      ModelPackageName: 'taxi/2',
      CreationTime: '2024-01-01T00:00:00.000Z',
      LastModifiedTime: '2024-01-02T00:00:00.000Z',
      InferenceSpecification: {
        Containers: [{ Image: 'img', ModelDataUrl: 'file:///m.json' }],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
      },
      ModelPackageStatus: 'Completed',
      ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
      CertifyForMarketplace: false,
      ModelApprovalStatus: 'Rejected',
      ApprovalDescription: 'too slow',
      LastModifiedBy: { UserProfileName: 'bob' },
      ModelMetrics: {},
      DriftCheckBaselines: {},
      Driftline: {
        ModelDataSha256: 'a'.repeat(64),
        ApprovalHistory: [
          { ModelApprovalStatus: 'PendingManualApproval', By: 'ci', Time: '2024-01-01T00:00:00.000Z' },
          { ModelApprovalStatus: 'Rejected', By: 'bob', Time: '2024-01-02T00:00:00.000Z', ApprovalDescription: 'too slow' },
        ],
        Tags: [{ Key: 'team', Value: 'fares' }],
      },
    });
  });

  it('summarises a group as ListModelPackageGroups does', () => {
    assert.deepEqual(toModelPackageGroupSummary({ name: 'taxi', arn: 'arn:g', tags: {}, createdAt: 0 }), {
      ModelPackageGroupName: 'taxi',
      ModelPackageGroupArn: 'arn:g',
      CreationTime: '1970-01-01T00:00:00.000Z',
      ModelPackageGroupStatus: 'Completed',
      Tags: [],
    });
  });
});
