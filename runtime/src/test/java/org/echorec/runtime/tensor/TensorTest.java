package org.echorec.runtime.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.testing.Backends;
import org.junit.jupiter.api.Test;

class TensorTest {
    private final Backend cpu = Backends.cpu();

    @Test
    void viewsShareStorageAndComputeStrides() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(cpu, new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
            assertArrayEquals(new long[] {3, 1}, x.strides());
            Tensor t = x.transpose(0, 1);
            assertArrayEquals(new int[] {3, 2}, t.shape());
            assertArrayEquals(new long[] {1, 3}, t.strides());
            assertFalse(t.isContiguous());
            assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.toFloatArray());
            Tensor r = x.reshape(-1);
            assertArrayEquals(new int[] {6}, r.shape());
            assertTrue(r.storage() == x.storage());
            Tensor n = x.narrow(1, 1, 2);
            assertEquals(1, n.offset());
            assertArrayEquals(new float[] {1, 2, 4, 5}, n.toFloatArray());
            assertEquals(4f, n.getFloat(2), 0f);
            Tensor row = x.narrow(0, 1, 1);
            assertTrue(row.isContiguous(), "a single row of a matrix is contiguous");
            assertEquals(3, row.offset());
        }
    }

    @Test
    void invalidViewsFailWithTheShape() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.zeros(cpu, 2, 3);
            assertThrows(IllegalArgumentException.class, () -> x.reshape(4, 2));
            assertThrows(IllegalArgumentException.class, () -> x.reshape(-1, -1));
            assertThrows(IllegalStateException.class, () -> x.transpose(0, 1).reshape(6));
            assertThrows(IllegalArgumentException.class, () -> x.narrow(1, 2, 2));
            assertThrows(IllegalArgumentException.class, () -> x.dim(2));
            assertEquals(3, x.dim(-1));
            assertThrows(IllegalArgumentException.class, () -> x.copyFrom(new float[5]));
            assertThrows(IllegalStateException.class, () -> x.toIntArray());
        }
    }

    @Test
    void memoryIsSixtyFourByteAlignedOffHeap() {
        try (Scope s = Scope.open()) {
            for (int n : new int[] {1, 3, 17, 1000, 100_000}) {
                Tensor t = Tensor.empty(cpu, n);
                MemorySegment m = Cpu.data(t);
                assertTrue(m.isNative());
                assertEquals(0, m.address() % 64, "address of a " + n + "-element tensor");
            }
        }
    }

    @Test
    void scalarsAndIntegers() {
        try (Scope s = Scope.open()) {
            Tensor sc = Tensor.scalar(cpu, 2.5f);
            assertEquals(0, sc.rank());
            assertEquals(2.5f, sc.item(), 0f);
            Tensor ids = Tensor.ofInts(cpu, new int[] {4, 5, 6}, 3);
            assertEquals(DType.I32, ids.dtype());
            assertArrayEquals(new int[] {4, 5, 6}, ids.toIntArray());
        }
    }
}
