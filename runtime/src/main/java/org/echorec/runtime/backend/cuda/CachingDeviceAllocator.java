package org.echorec.runtime.backend.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import org.echorec.runtime.backend.MemoryStats;
import org.echorec.runtime.backend.SizeClasses;

/**
 * Device memory reused across training steps, so that a steady-state step calls {@code cuMemAlloc}
 * not at all: freed blocks go to free lists keyed by size class ({@link SizeClasses}) and are handed
 * out again, as PyTorch's caching allocator does.
 *
 * <p>Note: reuse and stream order. The backend queues every kernel and copy on one stream, and a
 * block is given back when its tensor's scope closes, which may be before the kernels reading it
 * have run. Handing it to the next request is still safe: whatever writes it next is queued on the
 * same stream, behind those reads. Only memory returned to the driver needs the device idle, and
 * {@code cuMemFree} waits for that itself.
 *
 * <p>The cache has no limit of its own: when the device runs out, every cached block is returned and
 * the allocation tried once more before failing with the sizes that explain why.
 */
final class CachingDeviceAllocator {
    /** cuMemAlloc aligns to 256 bytes; 512-byte classes keep small tensors from fragmenting the lists. */
    static final long ALIGNMENT = 512;

    /** A block of device memory: its address and its size class. */
    record Block(long address, long size) {}

    private final DeviceMemory memory;
    private final HashMap<Long, ArrayDeque<Block>> free = new HashMap<>();
    private long inUse;
    private long peak;
    private long cached;
    private long allocations;
    private long requests;

    CachingDeviceAllocator(DeviceMemory memory) {
        this.memory = memory;
    }

    synchronized Block take(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative allocation: " + bytes + " bytes");
        }
        long size = SizeClasses.of(bytes, ALIGNMENT);
        requests++;
        ArrayDeque<Block> list = free.get(size);
        Block block = list == null ? null : list.pollLast();
        if (block != null) {
            cached -= size;
        } else {
            block = allocate(bytes, size);
        }
        inUse += size;
        peak = Math.max(peak, inUse);
        return block;
    }

    private Block allocate(long requested, long size) {
        long address = memory.allocate(size);
        if (address == 0 && cached > 0) {
            releaseCached();
            address = memory.allocate(size);
        }
        if (address == 0) {
            throw new OutOfMemoryError(String.format(Locale.ROOT,
                    "CUDA device out of memory: requested %s (size class %s); the device has %s free of %s;"
                            + " this process holds %s in tensors (cached blocks already returned)",
                    human(requested), human(size), human(memory.freeBytes()), human(memory.totalBytes()),
                    human(inUse)));
        }
        allocations++;
        return new Block(address, size);
    }

    synchronized void give(Block block) {
        inUse -= block.size();
        free.computeIfAbsent(block.size(), k -> new ArrayDeque<>()).addLast(block);
        cached += block.size();
    }

    /** Returns every cached block to the driver. */
    synchronized void releaseCached() {
        for (ArrayDeque<Block> list : free.values()) {
            for (Block b : list) {
                memory.free(b.address());
            }
        }
        free.clear();
        cached = 0;
    }

    synchronized void resetPeak() {
        peak = inUse;
    }

    synchronized MemoryStats stats() {
        return new MemoryStats(inUse, peak, cached, allocations, requests);
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
