import type { Micros } from '../../shared/types.js';

const origin = performance.timeOrigin;

/** Microseconds since the epoch, from the monotonic clock anchored at process start. */
export const nowMicros = (): Micros => Math.round((origin + performance.now()) * 1000);
