package org.echorec.runtime.backend.cpu;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.tensor.Tensor;

/** How CPU kernels reach a tensor's memory. */
public final class Cpu {
    private Cpu() {}

    /** The whole storage of a CPU tensor; element (i0..ik) is at byte {@code (offset + Σ i·stride)·size}. */
    public static MemorySegment segment(Tensor t) {
        if (!(t.storage() instanceof CpuStorage s)) {
            throw new IllegalArgumentException(t + " is not in CPU memory");
        }
        return s.segment();
    }

    /**
     * The elements of a contiguous tensor, starting at its first element: float element i is at byte
     * {@code 4·i}. Kernels index this from 0.
     */
    public static MemorySegment data(Tensor t) {
        if (!t.isContiguous()) {
            throw new IllegalArgumentException("kernel needs a contiguous tensor, got " + t);
        }
        long size = t.dtype().bytes();
        return segment(t).asSlice(t.offset() * size, t.numel() * size);
    }

    /** {@link #data} or null for a null tensor (optional operands). */
    public static MemorySegment dataOrNull(Tensor t) {
        return t == null ? null : data(t);
    }
}
