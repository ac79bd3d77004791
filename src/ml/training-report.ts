import type { KernelKind } from './gbdt/kernel-memory.js';
import type { EvalMetric } from './types.js';

/** One boosting round's metrics. */
export interface RoundMetrics {
  readonly round: number;
  readonly train: number;
  readonly validation?: number;
}

/** Feature importance with XGBoost's names. */
export interface FeatureImportance {
  readonly feature: string;
  readonly weight: number;
  readonly gain: number;
  readonly cover: number;
  readonly total_gain: number;
  readonly total_cover: number;
}

/** What `train` reports besides the model (written as JSON by the CLI). */
export interface TrainingReport {
  readonly metric: EvalMetric;
  readonly rounds: readonly RoundMetrics[];
  /** The round kept (0-based); the last one without early stopping. */
  readonly bestIteration: number;
  readonly bestScore: number;
  readonly stoppedEarly: boolean;
  readonly numTrees: number;
  readonly rows: { readonly train: number; readonly validation: number };
  readonly features: number;
  readonly bins: { readonly total: number; readonly maxPerFeature: number; readonly storage: 'uint8' | 'uint16' };
  readonly importance: readonly FeatureImportance[];
  /** Milliseconds per phase. */
  readonly timings: Readonly<Record<'binning' | 'gradients' | 'grow' | 'update' | 'evaluate' | 'total', number>>;
  readonly threads: number;
  /** Histogram workers lost during training (died or stalled); their work was done in the training thread. */
  readonly workersLost: number;
  /**
   * Which kernels ran in the training thread: histogram kernels made (one per feature set) by kind,
   * the row partitioner's kind, and kernels that failed to compile (logged; they fell back), workers' included.
   */
  readonly kernels: {
    readonly histogram: Readonly<Record<KernelKind, number>>;
    readonly rowPartitioner: Exclude<KernelKind, 'simd'>;
    readonly compileFailures: number;
  };
}
