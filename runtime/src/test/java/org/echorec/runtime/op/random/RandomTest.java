package org.echorec.runtime.op.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.echorec.runtime.testing.Backends;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

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

    /**
     * The SIMD kernel against the plain one, bit for bit, out of place and in place: lengths that end in
     * every tail; offsets that start inside a block, cross 2³² elements, make the block counter's low
     * word carry into its high word inside a vector, and sit far above that.
     */
    @ParameterizedTest(name = "offset {0}")
    @ValueSource(longs = {0, 1, 2, 3, 5, 4 * 1_000_003L + 3, (1L << 32) - 2, (1L << 34) - 6, (1L << 40) + 1})
    void simdDropoutIsThePlainDropoutBitForBit(long offset) {
        List<Named<Backend>> kernels = Backends.cpuKernels();
        Backend plain = kernels.get(0).getPayload();
        Backend simd = kernels.get(kernels.size() - 1).getPayload();
        int l = Backends.lanes();
        int[] lengths = {1, 3, 4, 5, l - 1, l, l + 1, 2 * l + 3, 100_003};
        long[] seeds = {0, 42, 0x9E37_79B9_7F4A_7C15L, -1};
        SplittableRandom r = new SplittableRandom(offset);
        for (int n : lengths) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) (8 * r.nextDouble() - 4);
            }
            for (float p : new float[] {0.2f, 0.5f, 0.9f}) {
                for (long seed : seeds) {
                    String at = "n " + n + ", p " + p + ", seed " + seed + ", offset " + offset;
                    try (Scope s = Scope.open()) {
                        int[] want = bits(dropout(plain, v, p, seed, offset, false));
                        assertArrayEquals(want, bits(dropout(simd, v, p, seed, offset, false)), at);
                        assertArrayEquals(want, bits(dropout(simd, v, p, seed, offset, true)), at + ", in place");
                    }
                }
            }
        }
    }

    private static float[] dropout(Backend backend, float[] v, float p, long seed, long offset, boolean inPlace) {
        Tensor x = Tensor.of(backend, v, v.length);
        Tensor y = inPlace ? x : Tensor.emptyLike(x);
        backend.ops().dropout(x, p, seed, offset, y);
        return y.toFloatArray();
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void dropoutKeepsAboutOneMinusPOnALargeTensor(Backend backend) {
        int n = (1 << 22) + 3;
        long offset = (1L << 34) - 5; // the counter's high word changes inside the tensor
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.full(backend, 1f, n);
            Tensor y = Tensor.emptyLike(x);
            for (float p : new float[] {0.2f, 0.5f, 0.9f}) {
                backend.ops().dropout(x, p, 2024, offset, y);
                int kept = 0;
                for (float v : y.toFloatArray()) {
                    kept += v != 0f ? 1 : 0;
                }
                assertEquals(1 - p, kept / (double) n, 5 * Math.sqrt(p * (1 - p) / n), "keep rate at p " + p);
            }
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
