/** Table types: one schema for both SQL dialects. Timestamps are epoch milliseconds. */
export interface DatasetsTable {
  id: string;
  kind: string;
  uri: string;
  created_at: number;
  row_count: number;
  details_json: string;
}

export interface DatasetFilesTable {
  dataset_id: string;
  position: number;
  role: string;
  uri: string;
  size_bytes: number;
  sha256: string;
  rows: number | null;
}

export interface ModelPackageGroupsTable {
  name: string;
  arn: string;
  description: string | null;
  tags_json: string;
  created_at: number;
  latest_version: number;
}

export interface ModelPackagesTable {
  group_name: string;
  version: number;
  arn: string;
  status: string;
  approval_status: string;
  approval_by: string | null;
  approval_at: number | null;
  approval_reason: string | null;
  approval_history_json: string;
  created_at: number;
  last_modified_at: number;
  model_data_url: string;
  model_sha256: string;
  inference_specification_json: string;
  model_metrics_json: string;
  drift_check_baselines_json: string;
  generated_by: string | null;
  customer_metadata_json: string;
  tags_json: string;
  description: string | null;
  idempotency_key: string | null;
}

export interface PipelinesTable {
  name: string;
  arn: string;
  description: string;
  latest_version: number;
  created_at: number;
  updated_at: number;
}

export interface PipelineVersionsTable {
  pipeline_name: string;
  version: number;
  definition_json: string;
  created_at: number;
}

export interface PipelineExecutionsTable {
  id: string;
  arn: string;
  pipeline_name: string;
  pipeline_version: number;
  display_name: string;
  status: string;
  parameters_json: string;
  failure_reason: string | null;
  created_at: number;
  ended_at: number | null;
  owner: string | null;
  heartbeat_at: number | null;
  stop_requested: number;
}

export interface PipelineExecutionStepsTable {
  execution_id: string;
  step_name: string;
  pipeline_name: string;
  step_type: string;
  status: string;
  attempt_count: number;
  started_at: number | null;
  ended_at: number | null;
  failure_reason: string | null;
  cache_key: string | null;
  cache_hit_json: string | null;
  properties_json: string | null;
  metadata_json: string;
}

export interface EndpointConfigsTable {
  name: string;
  config_json: string;
  created_at: number;
}

export interface EndpointsTable {
  name: string;
  arn: string;
  config_name: string;
  previous_config_name: string | null;
  status: string;
  failure_reason: string | null;
  generation: number;
  served_generation: number;
  instances_json: string;
  tags_json: string;
  created_at: number;
  last_modified_at: number;
}

export interface DeploymentsTable {
  id: string;
  group_name: string;
  model_package_arn: string;
  status: string;
  revision: number;
  record_json: string;
  created_at: number;
  updated_at: number;
}

export interface MetricDatapointsTable {
  namespace: string;
  name: string;
  dimensions_key: string;
  timestamp: number;
  value: number;
  unit: string;
}

export interface MetricAlarmsTable {
  name: string;
  state: string;
  revision: number;
  record_json: string;
  updated_at: number;
}

export interface AlarmHistoryTable {
  alarm_name: string;
  timestamp: number;
  seq: number;
  type: string;
  summary: string;
  data_json: string;
}

export interface MonitoringSchedulesTable {
  name: string;
  revision: number;
  record_json: string;
  updated_at: number;
}

export interface MonitoringExecutionsTable {
  id: string;
  schedule_name: string;
  scheduled_time: number;
  status: string;
  record_json: string;
}

export interface EventsTable {
  id: string;
  source: string;
  detail_type: string;
  time: string;
  received_at: number;
  event_json: string;
}

export interface EventRulesTable {
  name: string;
  state: string;
  next_fire_at: number | null;
  rule_json: string;
  updated_at: number;
}

export interface EventDeliveriesTable {
  id: string;
  event_id: string;
  rule_name: string;
  target_id: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** The whole metadata database, as Kysely sees it. */
export interface MetadataDb {
  datasets: DatasetsTable;
  dataset_files: DatasetFilesTable;
  model_package_groups: ModelPackageGroupsTable;
  model_packages: ModelPackagesTable;
  pipelines: PipelinesTable;
  pipeline_versions: PipelineVersionsTable;
  pipeline_executions: PipelineExecutionsTable;
  pipeline_execution_steps: PipelineExecutionStepsTable;
  endpoint_configs: EndpointConfigsTable;
  endpoints: EndpointsTable;
  deployments: DeploymentsTable;
  metric_datapoints: MetricDatapointsTable;
  metric_alarms: MetricAlarmsTable;
  alarm_history: AlarmHistoryTable;
  monitoring_schedules: MonitoringSchedulesTable;
  monitoring_executions: MonitoringExecutionsTable;
  events: EventsTable;
  event_rules: EventRulesTable;
  event_deliveries: EventDeliveriesTable;
}
