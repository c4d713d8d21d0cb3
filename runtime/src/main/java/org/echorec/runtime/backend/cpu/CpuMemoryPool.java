package org.echorec.runtime.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import org.echorec.runtime.backend.MemoryStats;

/**
 * A caching allocator for off-heap CPU memory.
 *
 * <p>Note: allocator size classes. A training step allocates the same few hundred buffers every step,
 * some of them 100 MB (the logits over all items). Fresh native memory is zero-filled by the arena and
 * page-faulted on first touch, which costs as much as a pass of the kernel that fills it, so freed
 * blocks are kept in free lists keyed by size class and handed out again. Requests up to 4 KiB round
 * up to 64 bytes; larger ones to the next of four classes per power of two (at most 25% slack).
 * Every block is 64-byte aligned and owns its own shared arena, so blocks can be given back to the
 * system one at a time ({@link #trim()}, or when the cache would exceed its limit) and be touched by
 * the kernel threads.
 */
final class CpuMemoryPool {
    static final long ALIGNMENT = 64;

    /** A block of native memory and the arena that frees it. */
    record Block(Arena arena, MemorySegment segment, long size) {}

    private final long cacheLimit;
    private final HashMap<Long, ArrayDeque<Block>> free = new HashMap<>();
    private long inUse;
    private long peak;
    private long cached;
    private long allocations;
    private long requests;

    CpuMemoryPool(long cacheLimit) {
        this.cacheLimit = cacheLimit;
    }

    static long sizeClass(long bytes) {
        if (bytes <= 4096) {
            return Math.max(ALIGNMENT, (bytes + ALIGNMENT - 1) & -ALIGNMENT);
        }
        long base = Long.highestOneBit(bytes);
        long step = base / 4;
        return (bytes + step - 1) / step * step;
    }

    synchronized Block take(long bytes) {
        long size = sizeClass(bytes);
        requests++;
        ArrayDeque<Block> list = free.get(size);
        Block block = list == null ? null : list.pollLast();
        if (block != null) {
            cached -= size;
        } else {
            block = allocate(size);
        }
        inUse += size;
        peak = Math.max(peak, inUse);
        return block;
    }

    private Block allocate(long size) {
        Arena arena = Arena.ofShared();
        MemorySegment segment;
        try {
            segment = arena.allocate(size, ALIGNMENT);
        } catch (OutOfMemoryError e) {
            arena.close();
            trim();
            arena = Arena.ofShared();
            try {
                segment = arena.allocate(size, ALIGNMENT);
            } catch (OutOfMemoryError again) {
                arena.close();
                throw new OutOfMemoryError("CPU backend: cannot allocate " + size + " bytes (in use " + inUse
                        + ", cached " + cached + ")");
            }
        }
        allocations++;
        return new Block(arena, segment, size);
    }

    synchronized void give(Block block) {
        inUse -= block.size();
        if (cached + block.size() > cacheLimit) {
            block.arena().close();
            return;
        }
        free.computeIfAbsent(block.size(), k -> new ArrayDeque<>()).addLast(block);
        cached += block.size();
    }

    /** Returns every cached block to the system. */
    synchronized void trim() {
        for (ArrayDeque<Block> list : free.values()) {
            for (Block b : list) {
                b.arena().close();
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
}
