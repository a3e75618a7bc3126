// Metrics: percentiles, histograms, per-function stats, billing, load schedules, export.
// Framework-free; shared by the platform core, the UI and the benchmark.

export * from './percentiles';
export * from './histogram';
export * from './stats';
export * from './billing';
export * from './arrivals';
export * from './csv';
