package org.echorec.runtime.op.matmul;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One thread's GEMM buffers, allocated on its first GEMM and reused by every later one: the packed B
 * block (off-heap, 64-byte aligned, so every vector load of a panel row is one aligned cache line at
 * 512 bits; heap arrays are only 16-byte aligned), the packed A block (a heap array, small enough for
 * L1/L2), and the micro-tile the kernel hands to the write-back when it cannot write C itself. The
 * partial sums of a K split and a product computed transposed belong to the calling thread and grow
 * on demand. It also says where the kernels find the current B block (packed or in place).
 */
final class GemmScratch {
    private static final long ALIGN = 64;

    final MemorySegment packedB;
    final float[] packedA;
    /** One row of a transposed A, on its way into strips. */
    final float[] aRow;
    final MemorySegment tile;
    private MemorySegment partials = MemorySegment.NULL;
    private MemorySegment transposed = MemorySegment.NULL;
    private final int nr;
    // the B block of the current K block: its first directPanels panels read in place, the rest packed
    private MemorySegment directB = MemorySegment.NULL;
    private long directByte;
    private long directRowBytes;
    private int directPanels;
    private int kc;

    GemmScratch(long bFloats, int aFloats, int rowFloats, int tileFloats, int nr) {
        this.nr = nr;
        this.packedB = Arena.ofAuto().allocate(4 * bFloats, ALIGN);
        this.packedA = new float[aFloats];
        this.aRow = new float[rowFloats];
        this.tile = Arena.ofAuto().allocate(4L * tileFloats, ALIGN);
    }

    /** At least {@code floats} floats for the partial sums of a K split, reused across calls. */
    MemorySegment partials(long floats) {
        if (partials.byteSize() < 4 * floats) {
            partials = Arena.ofAuto().allocate(4 * floats, ALIGN);
        }
        return partials;
    }

    /** At least {@code floats} floats for a product computed transposed, reused across calls. */
    MemorySegment transposed(long floats) {
        if (transposed.byteSize() < 4 * floats) {
            transposed = Arena.ofAuto().allocate(4 * floats, ALIGN);
        }
        return transposed;
    }

    /** The current B block: {@code panels} panels of B read in place from {@code b}, the rest packed. */
    void useB(MemorySegment b, long atByte, long rowBytes, int panels, int kBlock) {
        directB = b;
        directByte = atByte;
        directRowBytes = rowBytes;
        directPanels = panels;
        kc = kBlock;
    }

    MemorySegment panelSegment(int q) {
        return q < directPanels ? directB : packedB;
    }

    /** Byte offset of panel q's first row in {@link #panelSegment}. */
    long panelByte(int q) {
        return q < directPanels ? directByte + 4L * q * nr : 4L * (q - directPanels) * kc * nr;
    }

    /** Bytes from one row of panel q to the next. */
    long panelRowBytes(int q) {
        return q < directPanels ? directRowBytes : 4L * nr;
    }
}
