/** Drift the generator can inject. */
export const DRIFT_PRESETS = ['none', 'notebook', 'fare-increase'] as const;
export type DriftPreset = (typeof DRIFT_PRESETS)[number];

/** What each preset does, for --help and the docs. */
export const DRIFT_DESCRIPTIONS: Readonly<Record<DriftPreset, string>> = {
  none: 'trips as calibrated on the real 2021 months',
  notebook:
    "the sample notebook's covariate drift: passenger_count resampled over 1..6 with weights [2,1,2,5,2,1], " +
    'trips re-routed so the zone-to-zone distance follows 70 x Beta(2.5, 2) km',
  'fare-increase': "concept drift: the same trips cost about 20% more (like NYC's December 2022 tariff change)",
};

/** The notebook's passenger-count weights over 1..6. */
export const NOTEBOOK_PASSENGER_WEIGHTS = [0, 2, 1, 2, 5, 2, 1] as const;
/** The notebook's drifted distance: 70 · Beta(2.5, 2) km. */
export const NOTEBOOK_DISTANCE = { scaleKm: 70, alpha: 2.5, beta: 2 } as const;
/** The fare-increase factor. */
export const FARE_INCREASE_FACTOR = 1.2;
