package org.echorec.runtime.op.view;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.echorec.runtime.autograd.Tape;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.tensor.DType;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.echorec.runtime.testing.GradCheck;
import org.echorec.runtime.testing.Rand;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Tag("kernel")
class ViewTest {

    private static float[] iota(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        return x;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void copyMaterialisesTransposesSlicesAndBroadcasts(Backend backend) {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(backend, iota(24), 2, 3, 4);
            Tensor t = Tensor.empty(backend, 4, 3, 2);
            backend.ops().copy(x.transpose(0, 2), t, false);
            float[] got = t.toFloatArray();
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int k = 0; k < 2; k++) {
                        assertEquals(k * 12 + j * 4 + i, got[(i * 3 + j) * 2 + k], 0f);
                    }
                }
            }
            Tensor cols = x.narrow(2, 1, 2); // strided rows
            assertArrayEquals(new float[] {1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22}, cols.toFloatArray());
            Tensor row = Tensor.of(backend, new float[] {1, 2, 3}, 1, 3);
            Tensor grid = Tensor.zeros(backend, 4, 3);
            backend.ops().copy(row.expand(0, 4), grid, true);
            backend.ops().copy(row.expand(0, 4), grid, true);
            assertArrayEquals(new float[] {2, 4, 6, 2, 4, 6, 2, 4, 6, 2, 4, 6}, grid.toFloatArray());
            Tensor ints = Tensor.ofInts(backend, new int[] {1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor it = Tensor.empty(backend, DType.I32, 3, 2);
            backend.ops().copy(ints.transpose(0, 1), it, false);
            assertArrayEquals(new int[] {1, 4, 2, 5, 3, 6}, it.toIntArray());
            backend.ops().fill(x.narrow(1, 1, 1), -1f);
            assertEquals(-1f, x.getFloat(4), 0f);
            assertEquals(3f, x.getFloat(3), 0f);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void flipReversesOneAxis(Backend backend) {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(backend, iota(12), 2, 3, 2);
            Tensor y = Tensor.emptyLike(x);
            backend.ops().flip(x, 1, y);
            assertArrayEquals(new float[] {4, 5, 2, 3, 0, 1, 10, 11, 8, 9, 6, 7}, y.toFloatArray());
            backend.ops().flip(x, 2, y);
            assertArrayEquals(new float[] {1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10}, y.toFloatArray());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void viewGradientsFlowBack(Backend backend) {
        float[] v = Rand.toFloat(new Rand(4).normal(24, 1));
        int[][] shape = {{2, 3, 4}};
        GradCheck.tape("flip", backend, in -> ViewGrad.flip(in[0], 1), 1e-2, 1e-2f, shape, v);
        GradCheck.tape("transpose+reshape", backend,
                in -> ViewGrad.reshape(ViewGrad.transpose(in[0], 0, 2), 24), 1e-2, 1e-2f, shape, v);
        GradCheck.tape("narrow", backend, in -> ViewGrad.narrow(in[0], 2, 1, 2), 1e-2, 1e-2f, shape, v);
        GradCheck.tape("split+concat", backend, in -> {
            Tensor[] parts = ViewGrad.split(in[0], 2, 1, 3);
            return ViewGrad.concat(2, parts[1], parts[0], parts[1]);
        }, 1e-2, 1e-2f, shape, v);
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(backend, v, 2, 3, 4).requiresGrad(true);
            try (Tape tape = Tape.record()) {
                Tensor[] parts = ViewGrad.split(x, 2, 1, 3); // only the first part is used
                tape.backward(parts[0], Tensor.full(backend, 1f, 2, 3, 1));
            }
            float[] g = x.grad().toFloatArray();
            for (int i = 0; i < 24; i++) {
                assertEquals(i % 4 == 0 ? 1f : 0f, g[i], 0f, "unused split parts get zero gradient");
            }
        }
    }
}
