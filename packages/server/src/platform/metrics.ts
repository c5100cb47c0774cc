import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one server process. Each app gets its own registry (tests build many apps). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'shoebox_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    uploads: new Counter({
      name: 'shoebox_uploads_total',
      help: 'Uploads by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    uploadBytes: new Counter({
      name: 'shoebox_upload_bytes_total',
      help: 'Bytes stored by uploads',
      registers: [registry],
    }),
    ingestQueueDepth: new Gauge({
      name: 'shoebox_ingest_queue_depth',
      help: 'Media jobs waiting or running',
      registers: [registry],
    }),
    thumbnailFailures: new Counter({
      name: 'shoebox_thumbnail_failures_total',
      help: 'Photos whose thumbnail could not be made',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
