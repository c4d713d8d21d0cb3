package org.echorec.runtime.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import org.echorec.runtime.backend.MemoryStats;
import org.echorec.runtime.backend.SizeClasses;

/**
 * A caching allocator for off-heap CPU memory.
 *
 * <p>Freed blocks are reused by size class ({@link SizeClasses}: "Note: allocator size classes"):
 * fresh native memory is zero-filled by the arena and page-faulted on first touch, which costs as much
 * as a pass of the kernel that fills it. Every block is 64-byte aligned and owns its own shared arena,
 * so blocks can be given back to the system one at a time ({@link #trim()}, or when the cache would
 * exceed its limit) and be touched by the kernel threads.
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

    synchronized Block take(long bytes) {
        long size = SizeClasses.of(bytes, ALIGNMENT);
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
