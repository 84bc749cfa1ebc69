/** A Powertools Metrics stand-in that keeps what the handler recorded (remediations/lib/refusals.ts). */
export interface RecordingMetrics {
  recorded: { name: string; value: number }[];
  addMetric(name: string, unit: unknown, value: number): void;
  publishStoredMetrics(): void;
  /** The sum recorded under `name`. */
  total(name: string): number;
}

export function recordingMetrics(): RecordingMetrics {
  const metrics: RecordingMetrics = {
    recorded: [],
    addMetric: (name, _unit, value) => {
      metrics.recorded.push({ name, value });
    },
    publishStoredMetrics: () => undefined,
    total: (name) => metrics.recorded.filter((m) => m.name === name).reduce((sum, m) => sum + m.value, 0),
  };
  return metrics;
}
