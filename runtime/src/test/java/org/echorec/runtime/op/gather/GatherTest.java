package org.echorec.runtime.op.gather;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.echorec.runtime.testing.Backends;
import org.echorec.runtime.testing.GradCheck;
import org.echorec.runtime.testing.Rand;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Tag("kernel")
class GatherTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void gatherCopiesRowsAndScatterAddSumsRepeatsSkippingPadding(Backend backend) {
        for (int d : Backends.awkwardSizes()) {
            if (d > 100) {
                continue;
            }
            int vocab = 11;
            Rand r = new Rand(d);
            float[] table = Rand.toFloat(r.normal(vocab * d, 1));
            int[] ids = {3, 0, 3, 10, 7, 3, 0, 1, 2, 2, 9, 5};
            try (Scope s = Scope.open()) {
                Tensor t = Tensor.of(backend, table, vocab, d);
                Tensor i = Tensor.ofInts(backend, ids, 3, 4);
                Tensor out = Tensor.empty(backend, 3, 4, d);
                backend.ops().gather(t, i, out);
                float[] got = out.toFloatArray();
                for (int k = 0; k < ids.length; k++) {
                    for (int j = 0; j < d; j++) {
                        assertEquals(table[ids[k] * d + j], got[k * d + j], 0f);
                    }
                }
                float[] src = Rand.toFloat(r.normal(ids.length * d, 1));
                double[] expected = new double[vocab * d];
                for (int k = 0; k < ids.length; k++) {
                    for (int j = 0; j < d; j++) {
                        expected[ids[k] * d + j] += ids[k] == 0 ? 0 : src[k * d + j];
                    }
                }
                Tensor grad = Tensor.zeros(backend, vocab, d);
                backend.ops().scatterAdd(i, Tensor.of(backend, src, 3, 4, d), 0, grad);
                float[] g = grad.toFloatArray();
                for (int k = 0; k < g.length; k++) {
                    assertEquals(expected[k], g[k], 1e-5, "row " + k / d);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void scatterAddOnManyRowsIsDeterministicAcrossThreads(Backend backend) {
        int vocab = 5000;
        int d = 64;
        int n = 40_000;
        Rand r = new Rand(3);
        int[] ids = r.ints(n, 0, vocab);
        float[] src = Rand.toFloat(r.normal(n * d, 1));
        double[] expected = new double[vocab * d];
        for (int k = 0; k < n; k++) {
            if (ids[k] == 0) {
                continue;
            }
            for (int j = 0; j < d; j++) {
                expected[ids[k] * d + j] += src[k * d + j];
            }
        }
        try (Scope s = Scope.open()) {
            Tensor grad = Tensor.zeros(backend, vocab, d);
            backend.ops().scatterAdd(Tensor.ofInts(backend, ids, n), Tensor.of(backend, src, n, d), 0, grad);
            float[] g = grad.toFloatArray();
            for (int k = 0; k < g.length; k++) {
                assertEquals(expected[k], g[k], 1e-4);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void outOfRangeIdsFailNamingThePosition(Backend backend) {
        try (Scope s = Scope.open()) {
            Tensor t = Tensor.zeros(backend, 4, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.ops().gather(t, Tensor.ofInts(backend, new int[] {1, 4}, 2), Tensor.empty(backend, 2, 2)));
            assertTrue(e.getMessage().contains("id 4 at position 1"), e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void embeddingGradientThroughTheTape(Backend backend) {
        int[] ids = {2, 0, 2, 4, 1};
        // no padding id here: the padding row's zero gradient is by definition, not by calculus
        int[] real = {2, 3, 2, 4, 1};
        GradCheck.tape("embedding", backend,
                in -> GatherGrad.embedding(in[0], Tensor.ofInts(backend, real, 5), 0),
                1e-2, 1e-2f, new int[][] {{5, 3}}, Rand.toFloat(new Rand(1).normal(15, 1)));
        try (Scope s = Scope.open()) {
            Tensor table = Tensor.of(backend, new float[10], 5, 2).requiresGrad(true);
            try (var tape = org.echorec.runtime.autograd.Tape.record()) {
                Tensor e = GatherGrad.embedding(table, Tensor.ofInts(backend, ids, 5), 0);
                tape.backward(e, Tensor.full(backend, 1f, 5, 2));
            }
            assertArrayEquals(new float[] {0, 0, 1, 1, 2, 2, 0, 0, 1, 1}, table.grad().toFloatArray(),
                    "padding row 0 gets nothing, repeats add up");
        }
    }
}
