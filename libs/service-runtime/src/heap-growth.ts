import { setFlagsFromString } from 'node:v8';

/** How much the old generation may grow past what survived the last full collection, in percent. */
export const HEAP_GROWING_PERCENT = 50;

/**
 * V8 lets the old generation grow after each full collection by a factor it picks from the collector's speed, up to
 * four times what survived. After a burst of 5,000 incidents, matching had 39–48 MB live (heap snapshots) but 180 MB
 * of heap in use and 270–280 MB resident, and kept them while quiet, since nothing triggers a collection then. With
 * growth bounded to half of what survived, every service stayed at 134–162 MB (README, "Benchmarks"). A soft bound,
 * not a cap: a larger live set still gets the heap it needs, where `--max-old-space-size` would crash the process.
 * Set at run time because NODE_OPTIONS refuses this flag, so it holds however a service is started (the image,
 * Compose, Kubernetes, `npm start`, the benchmark).
 */
export function boundHeapGrowth(percent = HEAP_GROWING_PERCENT): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
