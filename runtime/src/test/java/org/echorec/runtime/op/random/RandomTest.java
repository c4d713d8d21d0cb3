package org.echorec.runtime.op.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.echorec.runtime.testing.Backends;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Tag("kernel")
class RandomTest {

    /** Random123's known-answer vectors for philox4x32-10 (tests/kat_vectors): counter, key, output. */
    @Test
    void philoxMatchesTheKnownAnswerVectors() {
        int[][][] kat = {
            {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
            {{-1, -1, -1, -1}, {-1, -1}, {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
            {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0},
                {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
        };
        int[] out = new int[4];
        for (int[][] v : kat) {
            Philox.block(v[0][0], v[0][1], v[0][2], v[0][3], v[1][0], v[1][1], out);
            assertArrayEquals(v[2], out);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void dropoutKeepsTheDocumentedElementsAndScales(Backend backend) {
        int n = 70_003;
        float p = 0.2f;
        long seed = 0x1234_5678_9abcL;
        long offset = 13;
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.full(backend, 2f, n);
            Tensor y = Tensor.emptyLike(x);
            backend.ops().dropout(x, p, seed, offset, y);
            float[] got = y.toFloatArray();
            int kept = 0;
            for (int i = 0; i < n; i++) {
                boolean keep = Philox.uniform(seed, offset + i) >= p;
                assertEquals(keep ? 2f / (1f - p) : 0f, got[i], 0f, "element " + i);
                kept += keep ? 1 : 0;
            }
            double rate = kept / (double) n;
            assertEquals(1 - p, rate, 4 * Math.sqrt(p * (1 - p) / n), "keep rate");
        }
    }

    @Test
    void plainAndSimdBackendsDrawTheSameMask() {
        float[][] masks = new float[2][];
        int i = 0;
        for (var named : Backends.cpuKernels()) {
            try (Scope s = Scope.open()) {
                Tensor x = Tensor.full(named.getPayload(), 1f, 1001);
                Tensor y = Tensor.emptyLike(x);
                named.getPayload().ops().dropout(x, 0.5f, 99, 7, y);
                masks[i++ % 2] = y.toFloatArray();
            }
        }
        if (masks[1] != null) {
            assertArrayEquals(masks[0], masks[1]);
        }
    }

    @Test
    void dropoutGradientUsesTheForwardMaskAndTheRngAdvances() {
        Backend cpu = Backends.cpu();
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.full(cpu, 1f, 4, 50).requiresGrad(true);
            Rng rng = new Rng(42);
            float[] mask;
            try (Tape tape = Tape.record()) {
                Tensor y = RandomGrad.dropout(x, 0.3f, rng, true);
                mask = y.toFloatArray();
                tape.backward(y, Tensor.full(cpu, 1f, 4, 50));
            }
            assertArrayEquals(mask, x.grad().toFloatArray(), "d(dropout)/dx is the scaled mask");
            assertEquals(200, rng.offset());
            Tensor again = RandomGrad.dropout(x.detach(), 0.3f, rng, true);
            assertNotEquals(java.util.Arrays.toString(mask), java.util.Arrays.toString(again.toFloatArray()),
                    "the next call draws a fresh mask");
            assertTrue(RandomGrad.dropout(x, 0.3f, rng, false) == x, "identity when not training");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void uniformAndNormalHaveTheirMoments(Backend backend) {
        int n = 200_001;
        try (Scope s = Scope.open()) {
            Tensor u = Tensor.empty(backend, n);
            backend.ops().randomUniform(u, 7, 0, -1f, 3f);
            Tensor g = Tensor.empty(backend, n);
            backend.ops().randomNormal(g, 7, 0, 0.5f, 2f);
            double[] mu = moments(u.toFloatArray());
            double[] mg = moments(g.toFloatArray());
            assertEquals(1.0, mu[0], 0.02);
            assertEquals(16.0 / 12, mu[1], 0.02);
            assertEquals(0.5, mg[0], 0.02);
            assertEquals(4.0, mg[1], 0.05);
            for (float v : u.toFloatArray()) {
                assertTrue(v >= -1f && v < 3f, "uniform out of range: " + v);
            }
        }
    }

    private static double[] moments(float[] v) {
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double var = 0;
        for (float x : v) {
            var += (x - mean) * (x - mean);
        }
        return new double[] {mean, var / v.length};
    }
}
