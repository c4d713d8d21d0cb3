package org.echorec.runtime.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.backend.cpu.CpuKernels;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class TapeTest {
    private final CpuBackend cpu = CpuBackend.withKernels(CpuKernels.plain());

    @Test
    void aTensorUsedTwiceGetsTheSumOfBothGradients() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(cpu, new float[] {1, -2, 0.5f}, 3).requiresGrad(true);
            try (Tape tape = Tape.record()) {
                Tensor y = F.square(x);           // dy/dx = 2x
                Tensor z = F.exp(x);              // dz/dx = e^x
                Tensor both = F.concat(0, y, z);  // x reaches the output twice
                tape.backward(both, Tensor.full(cpu, 1f, 6));
            }
            float[] g = x.grad().toFloatArray();
            float[] v = {1, -2, 0.5f};
            for (int i = 0; i < 3; i++) {
                assertEquals(2 * v[i] + Math.exp(v[i]), g[i], 1e-5);
            }
        }
    }

    @Test
    void sharedGradientBuffersAreNotOverwritten() {
        // split hands both parts views of one buffer; concat's rule passes slices of its gradient on by
        // reference: a later accumulation must not write into a buffer another gradient still shares
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(cpu, new float[] {1, 2, 3, 4}, 4).requiresGrad(true);
            Tensor upstream = Tensor.of(cpu, new float[] {1, 1, 1, 1, 10, 10, 10, 10}, 8);
            try (Tape tape = Tape.record()) {
                Tensor a = F.reshape(x, 2, 2);
                Tensor c = F.square(a);
                Tensor b = F.reshape(a, 4);      // replayed first: a's gradient becomes a view of upstream
                Tensor out = F.concat(0, b, F.reshape(c, 4));
                tape.backward(out, upstream);    // then square's rule adds into a's gradient
            }
            assertArrayEquals(new float[] {21, 41, 61, 81}, x.grad().toFloatArray());
            assertArrayEquals(new float[] {1, 1, 1, 1, 10, 10, 10, 10}, upstream.toFloatArray(),
                    "the caller's upstream gradient is left as it was");
        }
    }

    @Test
    void leafGradientsAccumulateUntilZeroed() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(cpu, new float[] {3}, 1).requiresGrad(true);
            for (int i = 0; i < 2; i++) {
                try (Tape tape = Tape.record()) {
                    tape.backward(F.square(x), Tensor.full(cpu, 1f, 1));
                }
            }
            assertEquals(12f, x.grad().item(), 0f);
            x.zeroGrad();
            assertNull(x.grad());
            try (Tape tape = Tape.record()) {
                tape.backward(F.square(x), Tensor.full(cpu, 1f, 1));
            }
            assertEquals(6f, x.grad().item(), 0f, "the buffer is reused and overwritten after zeroGrad");
        }
    }

    @Test
    void nothingIsRecordedWithoutATapeOrInsideNoGrad() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(cpu, new float[] {1}, 1).requiresGrad(true);
            assertFalse(F.exp(x).requiresGrad(), "no tape");
            try (Tape tape = Tape.record()) {
                try (Tape.NoGrad ng = Tape.noGrad()) {
                    assertFalse(F.exp(x).requiresGrad());
                }
                assertTrue(F.exp(x).requiresGrad());
                assertEquals(1, tape.size());
                Tensor constant = Tensor.of(cpu, new float[] {1}, 1);
                F.exp(constant);
                assertEquals(1, tape.size(), "an op on constants records nothing");
            }
        }
    }

    @Test
    void backwardNeedsAScalarThatDependsOnAParameter() {
        try (Scope s = Scope.open(); Tape tape = Tape.record()) {
            Tensor x = Tensor.of(cpu, new float[] {1, 2}, 2).requiresGrad(true);
            Tensor y = F.exp(x);
            assertThrows(IllegalArgumentException.class, () -> tape.backward(y));
            Tensor c = Tensor.of(cpu, new float[] {1}, 1);
            assertThrows(IllegalArgumentException.class, () -> tape.backward(c));
        }
    }

    @Test
    void backwardReleasesIntermediateGradientsEarly() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.full(cpu, 0.1f, 1 << 16).requiresGrad(true);
            Tensor y;
            try (Tape tape = Tape.record()) {
                y = x;
                for (int i = 0; i < 8; i++) {
                    y = F.tanh(y);
                }
                cpu.resetPeakMemory();
                long base = cpu.memoryStats().inUseBytes();
                tape.backward(y, Tensor.full(cpu, 1f, 1 << 16));
                long peak = cpu.memoryStats().peakBytes() - base;
                // the seed, x's gradient and two temporaries at a time, not one buffer per layer
                assertTrue(peak <= 5L * 4 * (1 << 16), "peak " + peak);
            }
        }
    }

    @Test
    void aFusedRuleGetsOneBufferPerListingOfARepeatedInput() {
        // layerNorm(x, γ = x, β): the fused backward writes dx and dγ in one call, both for the same leaf
        float[] x = {0.3f, -1.2f, 2.0f, 0.7f, -0.4f};
        org.echorec.runtime.testing.GradCheck.tape("layerNorm(x, x, 0)", cpu,
                in -> F.layerNorm(in[0], in[0], in[1], 1e-5f), 1e-2, 1e-2f, x, new float[5]);
        org.echorec.runtime.testing.GradCheck.tape("complexMul(a, a)", cpu,
                in -> F.complexMul(in[0], in[0]), 1e-2, 1e-2f, new int[][] {{2, 3, 2}},
                new float[] {0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f, 0.1f, 0.9f, -1.1f, 0.4f, 0.6f, -0.2f});
    }
}
