package org.echorec.runtime.backend;

/**
 * A snapshot of a backend allocator.
 *
 * @param inUseBytes   bytes held by live storages (rounded to the allocator's size classes)
 * @param peakBytes    the largest {@code inUseBytes} since the last {@code resetPeak}
 * @param cachedBytes  bytes kept for reuse, not held by any storage
 * @param allocations  calls that reached the system allocator (not served from the cache)
 * @param requests     all allocation requests
 */
public record MemoryStats(long inUseBytes, long peakBytes, long cachedBytes, long allocations, long requests) {}
