package org.echorec.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.echorec.runtime.backend.MemoryStats;
import org.junit.jupiter.api.Test;

/** The GPU allocator's caching, statistics and out-of-memory path, on a device made of counters. */
class CachingDeviceAllocatorTest {
    /** A device of {@code capacity} bytes that hands out distinct addresses and counts its calls. */
    static final class FakeDevice implements DeviceMemory {
        final long capacity;
        final Map<Long, Long> live = new HashMap<>();
        long used;
        long next = 0x7f0000000000L;
        int allocateCalls;
        int freeCalls;

        FakeDevice(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public long allocate(long bytes) {
            allocateCalls++;
            if (used + bytes > capacity) {
                return 0;
            }
            long address = next;
            next += bytes + 4096;
            live.put(address, bytes);
            used += bytes;
            return address;
        }

        @Override
        public void free(long address) {
            freeCalls++;
            Long bytes = live.remove(address);
            if (bytes == null) {
                throw new AssertionError("freed an address that is not live: " + address);
            }
            used -= bytes;
        }

        @Override
        public long freeBytes() {
            return capacity - used;
        }

        @Override
        public long totalBytes() {
            return capacity;
        }
    }

    @Test
    void aSteadyStateStepAllocatesNothingNew() {
        FakeDevice device = new FakeDevice(1L << 30);
        CachingDeviceAllocator allocator = new CachingDeviceAllocator(device);
        long[] stepSizes = {100, 4096, 12_101L * 2048 * 4, 777_777, 64 * 50 * 2048 * 4, 100, 3};
        for (int step = 0; step < 5; step++) {
            List<CachingDeviceAllocator.Block> held = new ArrayList<>();
            for (long bytes : stepSizes) {
                held.add(allocator.take(bytes));
            }
            held.forEach(allocator::give);
            if (step == 0) {
                assertEquals(stepSizes.length, device.allocateCalls, "first step allocates each block once");
            }
        }
        assertEquals(stepSizes.length, device.allocateCalls, "later steps are served from the cache");
        MemoryStats stats = allocator.stats();
        assertEquals(5L * stepSizes.length, stats.requests());
        assertEquals(stepSizes.length, stats.allocations());
        assertEquals(0, stats.inUseBytes());
        assertEquals(device.used, stats.cachedBytes());
        assertTrue(stats.peakBytes() >= sum(stepSizes), "peak covers the step's tensors");
    }

    @Test
    void blocksAreAlignedAndLiveBlocksAreDistinct() {
        FakeDevice device = new FakeDevice(1L << 30);
        CachingDeviceAllocator allocator = new CachingDeviceAllocator(device);
        CachingDeviceAllocator.Block a = allocator.take(1);
        CachingDeviceAllocator.Block b = allocator.take(1);
        assertNotEquals(a.address(), b.address());
        assertEquals(CachingDeviceAllocator.ALIGNMENT, a.size());
        CachingDeviceAllocator.Block big = allocator.take(5_000_001);
        assertTrue(big.size() >= 5_000_001 && big.size() <= 5_000_001 * 5 / 4 + CachingDeviceAllocator.ALIGNMENT,
                "size class within 25% of the request: " + big.size());
        assertEquals(0, big.size() % CachingDeviceAllocator.ALIGNMENT);
        allocator.give(a);
        assertEquals(a, allocator.take(7), "a freed block of the same class is handed out again");
    }

    @Test
    void runningOutReturnsTheCacheAndRetriesOnce() {
        FakeDevice device = new FakeDevice(10L << 20);
        CachingDeviceAllocator allocator = new CachingDeviceAllocator(device);
        CachingDeviceAllocator.Block six = allocator.take(6L << 20);
        allocator.give(six);
        CachingDeviceAllocator.Block eight = allocator.take(8L << 20); // only fits once the 6 MiB block is returned
        assertEquals(1, device.freeCalls);
        assertEquals(0, allocator.stats().cachedBytes());
        assertEquals(8L << 20, eight.size());
    }

    @Test
    void outOfMemorySaysWhatWasAskedAndWhatIsFree() {
        FakeDevice device = new FakeDevice(10L << 20);
        CachingDeviceAllocator allocator = new CachingDeviceAllocator(device);
        allocator.take(4L << 20);
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> allocator.take(8L << 20));
        String m = e.getMessage();
        assertTrue(m.contains("requested 8.0 MiB"), m);
        assertTrue(m.contains("6.0 MiB free of 10.0 MiB"), m);
        assertTrue(m.contains("holds 4.0 MiB"), m);
        assertEquals(4L << 20, allocator.stats().inUseBytes(), "a failed request leaves the books unchanged");
    }

    private static long sum(long[] sizes) {
        long s = 0;
        for (long v : sizes) {
            s += v;
        }
        return s;
    }
}
