package org.echorec.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.backend.cpu.CpuKernels;
import org.echorec.runtime.tensor.DType;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.echorec.runtime.testing.Rand;

/**
 * Runs one op on the plain CPU kernels (the reference every backend is tested against) and on CUDA from
 * the same host inputs, and compares every output: a failure names the op, the output, its shape, the
 * worst element with both values, and the tolerance.
 */
final class Parity {
    static final Backend CPU = CpuBackend.withKernels(CpuKernels.plain());

    /** Per element: {@code rtol·|expected| + atolOfMax·max|expected|}; {@link #EXACT} compares bits. */
    record Tol(double rtol, double atolOfMax) {}

    static final Tol EXACT = new Tol(0, 0);
    /** Elementwise ops: float functions of ≤ 3 ulp on the GPU against the CPU's double-rounded ones. */
    static final Tol ELEMENTWISE = new Tol(1e-4, 1e-6);
    /** Sums over many terms (gradients of parameters, FFTs, the scan): the error scales with the largest output. */
    static final Tol REDUCTION = new Tol(1e-4, 1e-5);

    /** Builds an op's inputs on {@code backend} (from captured host arrays), runs it, returns its outputs. */
    interface Case {
        Tensor[] run(Backend backend);
    }

    private Parity() {}

    static CudaBackend cuda() {
        return CudaBackend.get();
    }

    static void check(String what, Tol tol, Case c) {
        try (Scope s = Scope.open()) {
            Tensor[] expected = c.run(CPU);
            Tensor[] actual = c.run(cuda());
            for (int i = 0; i < expected.length; i++) {
                if (expected[i] == null) {
                    continue;
                }
                String name = what + ", output " + i + " " + Arrays.toString(expected[i].shape());
                if (expected[i].dtype() == DType.I32) {
                    compareInts(name, expected[i].toIntArray(), actual[i].toIntArray());
                } else {
                    compare(name, tol, expected[i].toFloatArray(), actual[i].toFloatArray());
                }
            }
        }
    }

    static void compareInts(String name, int[] e, int[] a) {
        for (int j = 0; j < e.length; j++) {
            if (e[j] != a[j]) {
                fail(name + ": element " + j + " of " + e.length + " is " + a[j] + " on cuda, " + e[j] + " on the CPU");
            }
        }
    }

    static void compare(String name, Tol tol, float[] e, float[] a) {
        if (e.length != a.length) {
            fail(name + ": " + a.length + " elements on cuda, " + e.length + " on the CPU");
        }
        double max = 0;
        for (float v : e) {
            if (Float.isFinite(v)) {
                max = Math.max(max, Math.abs(v));
            }
        }
        int worst = -1;
        double worstExcess = 1;
        for (int j = 0; j < e.length; j++) {
            if (Float.floatToIntBits(e[j]) == Float.floatToIntBits(a[j])) {
                continue; // equal bits, NaNs included
            }
            double t = tol.rtol() * Math.abs(e[j]) + tol.atolOfMax() * max;
            double excess = Float.isNaN(e[j]) || Float.isNaN(a[j]) || t == 0 ? Double.POSITIVE_INFINITY
                    : Math.abs((double) a[j] - e[j]) / t;
            if (excess > worstExcess || worst < 0 && excess > 1) {
                worst = j;
                worstExcess = excess;
            }
        }
        if (worst >= 0) {
            fail(String.format("%s: element %d of %d is %.9g on cuda, %.9g on the CPU (|diff| %.3g; tol %.1g·|cpu| + %.1g·%.3g)",
                    name, worst, e.length, a[worst], e[worst], Math.abs((double) a[worst] - e[worst]), tol.rtol(),
                    tol.atolOfMax(), max));
        }
    }

    // ---------------------------------------------------------------- inputs

    static float[] uniform(long seed, int n, double lo, double hi) {
        return Rand.toFloat(new Rand(seed).uniform(n, lo, hi));
    }

    static float[] normal(long seed, int n, double scale) {
        return Rand.toFloat(new Rand(seed).normal(n, scale));
    }

    static int numel(int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    static Tensor of(Backend b, float[] data, int... shape) {
        return Tensor.of(b, data, shape);
    }

    static Tensor ints(Backend b, int[] data, int... shape) {
        return Tensor.ofInts(b, data, shape);
    }

    static Tensor empty(Backend b, int... shape) {
        return Tensor.empty(b, shape);
    }
}
