import { randomInt } from 'node:crypto';
import { openArtifactStore } from '../artifacts/index.js';
import type { ArtifactStore } from '../core/artifact-store.js';
import { systemClock, type Clock } from '../core/clock.js';
import { createIdGenerator, type IdGenerator } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import { createRandom } from '../core/random.js';
import type { Config } from '../config/config.js';
import { DuckDbTripReader } from '../data/adapters/duckdb-trip-reader.js';
import { NodeLocalFiles } from '../data/adapters/node-local-files.js';
import { ZoneFileLoader } from '../data/adapters/zone-file-loader.js';
import { DuckDbTripFileWriter } from '../data/adapters/duckdb-trip-file-writer.js';
import { HttpDownloader } from '../data/adapters/http-downloader.js';
import { FEATURE_COLUMNS, GenerateService, NycFetchService, PrepareService, type DatasetStore } from '../data/index.js';
import type { TrainingService } from '../ml/index.js';
import { createTrainingService } from './create-training-service.js';
import { DuckDbTableReader } from '../monitor/adapters/duckdb-table-reader.js';
import { FsCaptureSource } from '../monitor/adapters/fs-capture-source.js';
import { AnalysisService, BaselineService, GroundTruthService, ModelQualityService } from '../monitor/index.js';
import { PersistentEventBus, RuleService, type EventBus } from '../events/index.js';
import { FetchHttpSender } from '../events/adapters/fetch-http-sender.js';
import { AppRuleTargetRunner } from './rule-target-runner.js';
import { ModelRegistry, type ModelPackage, type ModelQualityMetrics } from '../registry/index.js';
import { openMetadataStore } from '../store/index.js';
import { ChildProcessJobLauncher } from '../pipeline/adapters/child-process-job-launcher.js';
import { FsStepWorkspace } from '../pipeline/adapters/fs-step-workspace.js';
import { LineageTracer, PipelineService } from '../pipeline/index.js';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { VERSION } from '../core/version.js';
import { cliEntry, codeVersion, jobEnvironment, jobRunnerEntry, ownerAlive, ownerId, runnerExecArgv } from './pipeline-runtime.js';
import { registryRegistrar } from './registry-registrar.js';
import { modelQualityReader } from './model-quality-reader.js';
import { EndpointService } from '../serving/index.js';
import { ChallengerGate, DeploymentService } from '../deploy/index.js';
import { captureChallengerScorer } from './capture-challenger-scorer.js';
import { MetricsService } from '../metrics/index.js';
import { AlarmService } from '../alarms/index.js';
import { MonitoringScheduleService } from '../scheduler/index.js';
import { fileURLToPath } from 'node:url';
import { LocalModelArtifacts } from './local-model-artifacts.js';
import { ProjectService } from '../project/index.js';
import { GitCli } from '../project/adapters/git-cli.js';
import { NodeProjectFiles } from '../project/adapters/node-project-files.js';
import { projectPlatform } from './project-platform.js';
import { projectDeploymentHandler } from './project-deployments.js';

/** The file a retraining on captured data reads (FEATURE_COLUMNS, fare from the ground truth). */
export const CAPTURED_TRAINING_FILE = 'captured-trips.csv';

/** The wired application: services over the configured adapters. Delivery layers get this and nothing else. */
export interface App {
  readonly config: Config;
  readonly datasets: DatasetStore;
  readonly artifacts: ArtifactStore;
  readonly prepare: PrepareService;
  readonly generate: GenerateService;
  readonly fetchNyc: NycFetchService;
  readonly training: TrainingService;
  readonly baselines: BaselineService;
  readonly analyses: AnalysisService;
  /** Model Monitor's model-quality analyzer (Regression): baselines and analyses of predictions against ground truth. */
  readonly modelQualityMonitor: ModelQualityService;
  /** The model registry (groups, versions, approval); publishes on `events`. */
  readonly registry: ModelRegistry;
  /** The event bus: every event stored, routed to the rules it matches, then given to this process's handlers. */
  readonly events: EventBus;
  /** EventBridge rules: patterns and schedules, targets, at-least-once deliveries (`rules.deliverDue()`, every second in the server), dead letters. */
  readonly rules: RuleService;
  /** Resolves once the pipeline executions started by rule targets in this process have finished (the CLI waits; the server does not). */
  ruleRunsSettled(): Promise<void>;
  /** SageMaker Pipelines: definitions, executions (durable, resumable), caching. */
  readonly pipelines: PipelineService;
  /** Model version -> execution -> steps -> datasets -> raw files. */
  readonly lineage: LineageTracer;
  /** SageMaker endpoints and endpoint configs (the control plane; the server's data plane serves them). */
  readonly endpoints: EndpointService;
  /** The deployment pipeline (staging, manual approval, production); started by approvals, moved on by the server's `tick`. */
  readonly deployments: DeploymentService;
  /** The champion/challenger gate: new versions scored against production on its labelled traffic; `tick()` runs with the monitoring runs. */
  readonly challengers: ChallengerGate;
  /** CloudWatch-style metrics: PutMetricData, GetMetricStatistics, retention. */
  readonly metrics: MetricsService;
  /** CloudWatch-style alarms on those metrics; state changes are events on `events`. */
  readonly alarms: AlarmService;
  /** Model Monitor schedules on endpoints: `runDue()` runs the ones whose time has come (the server calls it). */
  readonly monitoring: MonitoringScheduleService;
  /** Labels of endpoints' predictions (ground truth), stored in SageMaker's layout for model-quality schedules. */
  readonly groundTruth: GroundTruthService;
  /** An endpoint's default ground-truth location (a `file:` URI). */
  groundTruthUriOf(endpointName: string): string;
  /** The project template (the sample's Service Catalog product): repositories, build pipeline, rules. */
  readonly projects: ProjectService;
  /** A version's model quality metrics (rmse, r2…), read from its ModelQuality statistics file; undefined if none. */
  modelQuality(pkg: ModelPackage): Promise<ModelQualityMetrics | undefined>;
  /** Writes a whole text file atomically (CLI outputs). */
  writeText(file: string, text: string): Promise<void>;
  close(): Promise<void>;
}

/** Replaceable effects, for tests. */
export interface AppOverrides {
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly logger: Logger;
  /** The environment pipeline jobs inherit (PATH…); the CLI passes its own. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The composition root: the only place that knows every adapter. */
export async function createApp(config: Config, overrides: AppOverrides): Promise<App> {
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? createIdGenerator(clock, createRandom(randomInt(2 ** 31)));
  const logger = overrides.logger;
  const metadata = await openMetadataStore(config.metadataUri);
  const artifacts = openArtifactStore(config.artifactUri);
  const files = new NodeLocalFiles();
  const trips = new DuckDbTripReader();
  const prepare = new PrepareService({
    trips,
    zones: new ZoneFileLoader(),
    files,
    datasets: metadata.datasets,
    clock,
    ids,
    logger,
  });
  const generate = new GenerateService({ writer: new DuckDbTripFileWriter(), files, datasets: metadata.datasets, clock, ids, logger });
  const fetchNyc = new NycFetchService({ downloader: new HttpDownloader(), files, datasets: metadata.datasets, clock, ids, logger });
  const training = createTrainingService(files, logger);
  const tableReader = new DuckDbTableReader();
  const baselines = new BaselineService({ reader: tableReader, files, logger });
  const modelQualityMonitor = new ModelQualityService({ reader: tableReader, capture: new FsCaptureSource(), files, logger, clock });
  const analyses = new AnalysisService({ baselines, capture: new FsCaptureSource(), files, logger, clock });
  const events = new PersistentEventBus({ store: metadata.events, clock, logger });
  const ruleRunner = new AppRuleTargetRunner({
    pipelines: () => pipelines,
    registry: () => registry,
    deployments: () => deployments,
    sender: new FetchHttpSender(),
    logger,
    capturedData: async (t, eventId) => {
      const now = clock.now();
      const dir = path.join(trainingDataRoot, t.endpointName, eventId.replace(/[^a-zA-Z0-9._-]/g, '_'));
      const r = await groundTruth.exportTrainingData(t.endpointName, {
        fromMs: now - t.days * 86_400_000,
        toMs: now,
        file: path.join(dir, CAPTURED_TRAINING_FILE),
        header: FEATURE_COLUMNS,
      });
      return { rows: r.rows, to: r.to, ...(r.rows >= t.minimumRows ? { uri: pathToFileURL(dir).href } : {}) };
    },
  });
  const rules = new RuleService({ store: metadata.events, runner: ruleRunner, clock, ids, logger, publish: (e) => events.publish(e) });
  events.routeWith((e) => rules.route(e));
  const registry = new ModelRegistry({ store: metadata.registry, events, clock, ids, logger });
  const pipelines = new PipelineService({
    store: metadata.pipelines,
    workspace: new FsStepWorkspace(artifacts, path.join(config.home, 'jobs')),
    launcher: new ChildProcessJobLauncher({
      runnerEntry: jobRunnerEntry(),
      execArgv: runnerExecArgv(),
      env: { ...definedOnly(overrides.env ?? {}), ...jobEnvironment(config) },
    }),
    registrar: registryRegistrar(registry),
    clock,
    ids,
    logger,
    owner: ownerId(),
    ownerAlive,
    now: () => clock.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    heartbeatMs: 1000,
    staleAfterMs: 30_000,
    events,
    codeVersion: () => codeVersion(VERSION),
  });
  // Reads artifact and local file URIs (a version's metrics files).
  const artifactFiles = new FsStepWorkspace(artifacts, path.join(config.home, 'jobs'));
  const modelArtifacts = new LocalModelArtifacts(path.join(config.home, 'models'), (uri, dir) => artifactFiles.download(uri, dir));
  const endpoints = new EndpointService({
    store: metadata.endpoints,
    registry,
    models: modelArtifacts,
    clock,
    logger,
    defaultCaptureUri: config.artifactUri.startsWith('file:')
      ? `${config.artifactUri.replace(/\/+$/, '')}/datacapture`
      : pathToFileURL(path.join(config.home, 'datacapture')).href,
  });
  const metrics = new MetricsService({ store: metadata.metrics, clock });
  const alarms = new AlarmService({ store: metadata.alarms, metrics: metadata.metrics, events, clock, ids, logger });
  const localOf = (uri: string) => (uri.startsWith('file:') ? fileURLToPath(uri) : uri);
  const monitoringRoot = config.artifactUri.startsWith('file:') ? path.join(localOf(config.artifactUri), 'monitoring') : path.join(config.home, 'monitoring');
  const captureDirsOf = async (name: string) => {
    const e = await endpoints.getEndpoint(name);
    const epConfig = await endpoints.describeEndpointConfig(e.configName);
    const folder = endpoints.captureFolder(epConfig);
    return epConfig.ProductionVariants.map((v) => path.join(folder, name, v.VariantName));
  };
  const trainingDataRoot = config.artifactUri.startsWith('file:')
    ? path.join(localOf(config.artifactUri), 'training-data')
    : path.join(config.home, 'training-data');
  const groundTruthRoot = config.artifactUri.startsWith('file:')
    ? path.join(localOf(config.artifactUri), 'ground-truth')
    : path.join(config.home, 'ground-truth');
  const groundTruth = new GroundTruthService({
    files,
    source: new FsCaptureSource(),
    locations: {
      groundTruthDirOf: async (name) => {
        await endpoints.getEndpoint(name);
        return path.join(groundTruthRoot, name);
      },
      captureDirsOf,
    },
    clock,
    ids,
    logger,
  });
  const monitoring = new MonitoringScheduleService({
    store: metadata.monitoring,
    ports: {
      captureDirsOf,
      localPath: localOf,
      outputFolder: (endpoint, schedule, at, subHourly) => {
        const iso = new Date(at).toISOString();
        const parts = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10), iso.slice(11, 13), ...(subHourly ? [iso.slice(14, 16)] : [])];
        return path.join(monitoringRoot, endpoint, schedule, ...parts);
      },
      analyze: (req) => analyses.analyze(req),
      analyzeModelQuality: (req) => modelQualityMonitor.analyzeCapture(req),
      publish: (data) => metrics.publish(data),
    },
    clock,
    ids,
    logger,
  });
  const modelQuality = modelQualityReader((uri) => artifactFiles.readText(uri));
  const groundTruthUriOf = (name: string) => pathToFileURL(path.join(groundTruthRoot, name)).href;
  const deployments = new DeploymentService({
    store: metadata.deployments,
    endpoints,
    registry,
    alarms,
    monitoring,
    modelQuality: { baselineMetrics: modelQuality, groundTruthUriOf },
    clock,
    ids,
    logger,
  });
  const challengers = new ChallengerGate({
    registry,
    deployments,
    scorer: captureChallengerScorer({ groundTruth, training, models: modelArtifacts, scratchDir: path.join(config.home, 'tmp'), ids }),
    clock,
    logger,
  });
  // An approval starts the deployment pipeline in the process that approved (CLI, server or pipeline).
  events.subscribe((event) => deployments.onEvent(event));
  const projects = new ProjectService({
    files: new NodeProjectFiles(),
    git: new GitCli(overrides.env ?? {}),
    platform: projectPlatform({ registry, pipelines, rules, deployments, endpoints, monitoring, alarms }),
    root: path.join(config.home, 'projects'),
    cli: { node: process.execPath, args: [...runnerExecArgv(), cliEntry()], home: path.resolve(config.home) },
    clock,
    ids,
    logger,
  });
  events.subscribe(projectDeploymentHandler({ registry, projects, deployments }));
  return {
    projects,
    config,
    pipelines,
    endpoints,
    deployments,
    metrics,
    alarms,
    monitoring,
    groundTruth,
    groundTruthUriOf,
    challengers,
    lineage: new LineageTracer({ pipelines: metadata.pipelines, datasets: metadata.datasets }),
    modelQuality,
    training,
    baselines,
    analyses,
    modelQualityMonitor,
    registry,
    events,
    rules,
    ruleRunsSettled: () => ruleRunner.settled(),
    writeText: (file, text) => files.writeText(file, text),
    generate,
    fetchNyc,
    datasets: metadata.datasets,
    artifacts,
    prepare,
    close: async () => {
      trips.close();
      await metadata.close();
    },
  };
}

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
