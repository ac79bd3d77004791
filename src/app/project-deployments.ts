import { readFile } from 'node:fs/promises';
import type { DeploymentService } from '../deploy/index.js';
import { parseStageConfig } from '../deploy/index.js';
import type { EventEnvelope } from '../events/index.js';
import { PROJECT_DEPLOY_TAG, type ProjectService } from '../project/index.js';
import { MODEL_PACKAGE_STATE_CHANGE, type ModelPackageStateChangeDetail, type ModelRegistry } from '../registry/index.js';

/**
 * The deploy repository as the source of a project's stages: a project's group is tagged
 * `driftline:auto-deploy=false` (the generic handler leaves it alone) and
 * `driftline:project-deploy=true`; an approval in it starts the deployment pipeline with the
 * deploy repository's `staging-config.json` and `prod-config.json` (the sample's deploy
 * CodePipeline reads them from its CodeCommit repository).
 */
export function projectDeploymentHandler(d: {
  registry: ModelRegistry;
  projects: ProjectService;
  deployments: DeploymentService;
}): (event: EventEnvelope) => Promise<void> {
  return async (event) => {
    if (event['detail-type'] !== MODEL_PACKAGE_STATE_CHANGE) return;
    const detail = event.detail as ModelPackageStateChangeDetail;
    if (detail.ModelApprovalStatus !== 'Approved') return;
    const group = await d.registry.getGroup(detail.ModelPackageGroupName);
    if (group.tags[PROJECT_DEPLOY_TAG] !== 'true') return;
    const project = await d.projects.findByGroup(group.name);
    if (!project) return;
    const load = async (file: string) => parseStageConfig(JSON.parse(await readFile(file, 'utf8')) as unknown, file);
    await d.deployments.start({
      group: group.name,
      version: detail.ModelPackageVersion,
      trigger: `approval of ${detail.ModelPackageName} (stage configs of project ${project.name})`,
      stagingConfig: await load(project.repositories.deploy.stagingConfig),
      prodConfig: await load(project.repositories.deploy.prodConfig),
    });
  };
}
