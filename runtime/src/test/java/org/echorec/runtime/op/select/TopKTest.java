package org.echorec.runtime.op.select;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.echorec.runtime.testing.Rand;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Tag("kernel")
class TopKTest {

    /** The reference: sort every index by (value desc, NaN last, index asc) and take k. */
    private static int[] reference(float[] row, int k) {
        Comparator<Integer> order = (a, b) -> {
            boolean na = Float.isNaN(row[a]);
            boolean nb = Float.isNaN(row[b]);
            if (na != nb) {
                return na ? 1 : -1;
            }
            if (!na && row[a] != row[b]) {
                return row[a] > row[b] ? -1 : 1;
            }
            return Integer.compare(a, b);
        };
        return IntStream.range(0, row.length).boxed().sorted(order).limit(k).mapToInt(Integer::intValue).toArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.echorec.runtime.testing.Backends#cpuKernels")
    void matchesAFullSortWithTiesAndNaN(Backend backend) {
        Rand r = new Rand(2);
        int rows = 37;
        int n = 1003;
        float[] x = new float[rows * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(50) / 4f; // many ties
        }
        x[5] = Float.NaN;
        x[n + 7] = Float.POSITIVE_INFINITY;
        for (int k : new int[] {1, 10, 100, n}) {
            try (Scope s = Scope.open()) {
                Tensor v = Tensor.empty(backend, rows, k);
                Tensor idx = Tensor.empty(backend, org.echorec.runtime.tensor.DType.I32, rows, k);
                backend.ops().topK(Tensor.of(backend, x, rows, n), k, v, idx);
                int[] gotIdx = idx.toIntArray();
                float[] gotV = v.toFloatArray();
                for (int row = 0; row < rows; row++) {
                    float[] rowValues = Arrays.copyOfRange(x, row * n, row * n + n);
                    int[] expected = reference(rowValues, k);
                    assertArrayEquals(expected, Arrays.copyOfRange(gotIdx, row * k, row * k + k), "row " + row + " k " + k);
                    for (int j = 0; j < k; j++) {
                        assertEquals(rowValues[expected[j]], gotV[row * k + j], 0f);
                    }
                }
            }
        }
    }
}
