package org.echorec.runtime.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.backend.cpu.CpuKernels;
import org.junit.jupiter.api.Test;

class ScopeTest {
    /** A private backend, so the memory figures are this test's alone. */
    private final CpuBackend cpu = CpuBackend.withKernels(CpuKernels.plain());

    @Test
    void closingAScopeReleasesItsMemoryAndLaterUseFails() {
        Tensor leaked;
        long before = cpu.memoryStats().inUseBytes();
        try (Scope s = Scope.open()) {
            leaked = Tensor.zeros(cpu, 1000);
            assertTrue(cpu.memoryStats().inUseBytes() >= before + 4000);
        }
        assertEquals(before, cpu.memoryStats().inUseBytes());
        IllegalStateException e = assertThrows(IllegalStateException.class, leaked::toFloatArray);
        assertTrue(e.getMessage().contains("after its scope was closed"), e.getMessage());
    }

    @Test
    void allocationNeedsAnOpenScope() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tensor.zeros(cpu, 3));
        assertTrue(e.getMessage().contains("no open Scope"), e.getMessage());
    }

    @Test
    void scopesNestAndMustCloseInnermostFirst() {
        try (Scope outer = Scope.open("outer")) {
            Scope inner = Scope.open("inner");
            assertThrows(IllegalStateException.class, outer::close);
            Tensor kept = inner.keep(Tensor.of(cpu, new float[] {7, 8}, 2));
            Tensor dropped = Tensor.zeros(cpu, 2);
            inner.close();
            assertEquals(outer, Scope.current());
            assertArrayEquals(new float[] {7, 8}, kept.toFloatArray(), "kept tensors move to the enclosing scope");
            assertThrows(IllegalStateException.class, dropped::toFloatArray);
        }
    }

    @Test
    void detachedScopesHoldLongLivedTensors() {
        Scope params = Scope.detached("params");
        Tensor w;
        try (Scope.Entered in = params.enter()) {
            w = Tensor.full(cpu, 3f, 4);
        }
        try (Scope step = Scope.open()) {
            Tensor tmp = Tensor.zeros(cpu, 4);
            cpu.ops().axpy(1f, w, tmp);
            assertArrayEquals(new float[] {3, 3, 3, 3}, tmp.toFloatArray());
        }
        assertEquals(16, params.ownedBytes());
        params.close();
        assertThrows(IllegalStateException.class, w::toFloatArray);
    }

    @Test
    void steadyStateReusesCachedBlocks() {
        for (int step = 0; step < 3; step++) {
            try (Scope s = Scope.open()) {
                Tensor.empty(cpu, 1 << 20);
                Tensor.empty(cpu, 777);
            }
        }
        long allocations = cpu.memoryStats().allocations();
        for (int step = 0; step < 10; step++) {
            try (Scope s = Scope.open()) {
                Tensor.empty(cpu, 1 << 20);
                Tensor.empty(cpu, 777);
            }
        }
        assertEquals(allocations, cpu.memoryStats().allocations(), "no new system allocation in steady state");
        assertTrue(cpu.memoryStats().peakBytes() >= 4L << 20);
    }
}
