package org.echorec.runtime.backend;

/**
 * The size classes of the backends' caching allocators.
 *
 * <p>Note: allocator size classes. A training step allocates the same few hundred buffers every step,
 * some of them 100 MB (the logits over all items), and a fresh allocation costs far more than reusing
 * one (page faults and zero-fill on the CPU; {@code cuMemAlloc}, which also synchronises the device, on
 * the GPU). So freed blocks are kept in free lists keyed by size class and handed out again. Requests up
 * to 4 KiB round up to the alignment; larger ones to the next of four classes per power of two, so a
 * block is at most 25% larger than asked and a step whose shapes vary a little (the last, shorter batch
 * of an epoch) still finds its blocks.
 */
public final class SizeClasses {
    private SizeClasses() {}

    /** The class {@code bytes} is served from: a multiple of {@code alignment} (a power of two) ≥ bytes. */
    public static long of(long bytes, long alignment) {
        if (bytes <= 4096) {
            return Math.max(alignment, (bytes + alignment - 1) & -alignment);
        }
        long base = Long.highestOneBit(bytes);
        long step = Math.max(alignment, base / 4);
        return (bytes + step - 1) / step * step;
    }
}
