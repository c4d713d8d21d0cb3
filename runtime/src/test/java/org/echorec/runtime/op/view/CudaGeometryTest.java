package org.echorec.runtime.op.view;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.tensor.DType;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** view.cu's Geometry as ViewCuda builds it: merged axes, the I64 word axis, the 200-byte layout. No GPU needed. */
class CudaGeometryTest {

    @Test
    void contiguousAxesMergeAndUnitAxesDrop() {
        try (Scope s = Scope.open()) {
            Tensor t = Tensor.empty(CpuBackend.get(), 2, 1, 3, 4);
            CudaGeometry g = CudaGeometry.of("copy", t, t);
            assertArrayEquals(new long[] {24}, g.size());
            assertArrayEquals(new long[] {1}, g.stride0());
            assertEquals(24, g.total());
        }
    }

    @Test
    void aTransposeKeepsTwoAxesAndANarrowItsRowStride() {
        try (Scope s = Scope.open()) {
            Tensor t = Tensor.empty(CpuBackend.get(), 3, 5);
            Tensor src = t.transpose(0, 1);                   // [5, 3] strides (1, 5)
            Tensor dst = Tensor.empty(CpuBackend.get(), 5, 3);
            CudaGeometry g = CudaGeometry.of("copy", src, dst);
            assertArrayEquals(new long[] {5, 3}, g.size());
            assertArrayEquals(new long[] {1, 5}, g.stride0());
            assertArrayEquals(new long[] {3, 1}, g.stride1());
            Tensor wide = Tensor.empty(CpuBackend.get(), 4, 10).narrow(1, 2, 6);
            CudaGeometry n = CudaGeometry.of("fill", wide, wide);
            assertArrayEquals(new long[] {4, 6}, n.size());
            assertArrayEquals(new long[] {10, 1}, n.stride0());
        }
    }

    @Test
    void longsMoveAsWordPairs() {
        try (Scope s = Scope.open()) {
            Tensor t = Tensor.empty(CpuBackend.get(), DType.I64, 3, 4);
            CudaGeometry g = CudaGeometry.of("copy", t, t);
            assertArrayEquals(new long[] {24}, g.size(), "contiguous longs are 2·numel contiguous words");
            Tensor tr = t.transpose(0, 1);                   // [4, 3] strides (1, 4) in longs
            CudaGeometry h = CudaGeometry.of("copy", tr, Tensor.empty(CpuBackend.get(), DType.I64, 4, 3));
            assertArrayEquals(new long[] {4, 3, 2}, h.size());
            assertArrayEquals(new long[] {2, 8, 1}, h.stride0());
            assertArrayEquals(new long[] {6, 2, 1}, h.stride1(), "dst [4, 3, 2] words: merging needs both sides");
        }
    }

    @Test
    void anExpandedDestinationIsSeenToRepeat() {
        try (Scope s = Scope.open()) {
            Tensor row = Tensor.empty(CpuBackend.get(), 1, 5).expand(0, 3);
            assertTrue(CudaGeometry.of("copy", row, row).repeats1());
        }
    }

    @Test
    void theStructIs200BytesInTheOrderOfViewCu() {
        try (Scope s = Scope.open(); Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.empty(CpuBackend.get(), 3, 5).transpose(0, 1);
            MemorySegment m = CudaGeometry.of("fill", t, t).segment(arena);
            assertEquals(200, m.byteSize());
            assertEquals(2, m.get(ValueLayout.JAVA_LONG, 0));          // rank
            assertEquals(5, m.get(ValueLayout.JAVA_LONG, 8));          // size[0]
            assertEquals(3, m.get(ValueLayout.JAVA_LONG, 16));         // size[1]
            assertEquals(1, m.get(ValueLayout.JAVA_LONG, 8 + 64));     // stride0[0]
            assertEquals(5, m.get(ValueLayout.JAVA_LONG, 8 + 72));     // stride0[1]
            assertEquals(1, m.get(ValueLayout.JAVA_LONG, 8 + 128));    // stride1[0]
        }
    }

    @Test
    void moreThanEightAxesAfterMergingFailLoudly() {
        try (Scope s = Scope.open()) {
            Tensor t = Tensor.empty(CpuBackend.get(), 2, 2, 2, 2, 2, 2, 2, 2, 2);
            int[] shape = t.shape();
            long[] strides = new long[9];
            long st = 1;
            for (int i = 8; i >= 0; i--) {
                strides[i] = st;
                st *= 3; // gaps everywhere: nothing merges
            }
            Tensor gappy = Tensor.empty(CpuBackend.get(), (int) st).asStrided(shape, strides, 0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CudaGeometry.of("copy", gappy, gappy));
            assertTrue(e.getMessage().contains("copy") && e.getMessage().contains("cuda"), e.getMessage());
        }
    }
}
