package org.echorec.runtime.op.matmul;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One thread's GEMM buffers, allocated on its first GEMM and reused by every later one: the packed B
 * block (off-heap, 64-byte aligned, so every vector load of a panel row is one aligned cache line at
 * 512 bits; heap arrays are only 16-byte aligned), the packed A block (a heap array, small enough for
 * L1/L2) and the micro-tile the kernel hands to the write-back when it cannot write C itself. The partial sums of a K split belong
 * to the calling thread and grow on demand.
 */
final class GemmScratch {
    private static final long ALIGN = 64;

    final MemorySegment packedB;
    final float[] packedA;
    final MemorySegment tile;
    private MemorySegment partials = MemorySegment.NULL;

    GemmScratch(long bFloats, int aFloats, int tileFloats) {
        this.packedB = Arena.ofAuto().allocate(4 * bFloats, ALIGN);
        this.packedA = new float[aFloats];
        this.tile = Arena.ofAuto().allocate(4L * tileFloats, ALIGN);
    }

    /** At least {@code floats} floats for the partial sums of a K split, reused across calls. */
    MemorySegment partials(long floats) {
        if (partials.byteSize() < 4 * floats) {
            partials = Arena.ofAuto().allocate(4 * floats, ALIGN);
        }
        return partials;
    }
}
