package org.echorec.runtime.backend.cuda;

import static org.echorec.runtime.backend.cuda.Parity.ELEMENTWISE;
import static org.echorec.runtime.backend.cuda.Parity.EXACT;
import static org.echorec.runtime.backend.cuda.Parity.REDUCTION;
import static org.echorec.runtime.backend.cuda.Parity.check;
import static org.echorec.runtime.backend.cuda.Parity.empty;
import static org.echorec.runtime.backend.cuda.Parity.ints;
import static org.echorec.runtime.backend.cuda.Parity.normal;
import static org.echorec.runtime.backend.cuda.Parity.numel;
import static org.echorec.runtime.backend.cuda.Parity.of;
import static org.echorec.runtime.backend.cuda.Parity.uniform;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.op.AdamStep;
import org.echorec.runtime.op.Binary;
import org.echorec.runtime.op.Unary;
import org.echorec.runtime.tensor.DType;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Shape;
import org.echorec.runtime.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every primitive but the scan, conv and FFTs ({@link CudaScanConvFftParityTest}) on CUDA against the plain
 * CPU kernels, forward and backward, on random inputs with odd sizes, split reductions (long axes, few
 * outputs) and the ops' edge rules (ignored targets, skipped ids, ties). Bit-identical where the kernels
 * promise it (copies, dropout masks, uniform fills, Adam); otherwise within {@link Parity.Tol}. Skipped,
 * with the reason, where this machine has no usable GPU.
 */
@Tag("gpu")
class CudaParityTest {
    private static final int[] SIZES = {1, 31, 32, 33, 255, 257, 1001, 100_003};

    @BeforeEach
    void needsGpu() {
        String reason = CudaBackend.unavailableReason();
        assumeTrue(reason == null, () -> "skipped: " + reason);
    }

    @Test
    void fillCopyFlip() {
        check("fill [5, 7] contiguous", EXACT, b -> {
            Tensor t = empty(b, 5, 7);
            b.ops().fill(t, -2.5f);
            return new Tensor[] {t};
        });
        float[] x = uniform(1, 6 * 7 * 5, -1, 1);
        check("fill of a narrowed, transposed view of [6, 7, 5]", EXACT, b -> {
            Tensor t = of(b, x, 6, 7, 5);
            b.ops().fill(t.narrow(1, 2, 3).transpose(0, 2), 9f);
            return new Tensor[] {t};
        });
        check("copy transpose [6, 7, 5] → [5, 7, 6]", EXACT, b -> {
            Tensor out = empty(b, 5, 7, 6);
            b.ops().copy(of(b, x, 6, 7, 5).transpose(0, 2), out, false);
            return new Tensor[] {out};
        });
        check("copy accumulate into a narrowed slice", ELEMENTWISE, b -> {
            Tensor dst = of(b, x, 6, 7, 5);
            b.ops().copy(of(b, uniform(2, 6 * 2 * 5, -1, 1), 6, 2, 5), dst.narrow(1, 4, 2), true);
            return new Tensor[] {dst};
        });
        check("copy of an expanded row", EXACT, b -> {
            Tensor out = empty(b, 4, 5);
            b.ops().copy(of(b, uniform(3, 5, -1, 1), 1, 5).expand(0, 4), out, false);
            return new Tensor[] {out};
        });
        int[] ids = new int[3 * 4];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i * 7919;
        }
        check("copy int32 transpose", EXACT, b -> {
            Tensor out = Tensor.empty(b, DType.I32, 4, 3);
            b.ops().copy(ints(b, ids, 3, 4).transpose(0, 1), out, false);
            return new Tensor[] {out};
        });
        for (int axis = 0; axis < 3; axis++) {
            int ax = axis;
            check("flip [6, 7, 5] axis " + axis, EXACT, b -> {
                Tensor y = empty(b, 6, 7, 5);
                b.ops().flip(of(b, x, 6, 7, 5), ax, y);
                return new Tensor[] {y};
            });
        }
        check("flip int32 [3, 4] axis 1", EXACT, b -> {
            Tensor y = Tensor.empty(b, DType.I32, 3, 4);
            b.ops().flip(ints(b, ids, 3, 4), 1, y);
            return new Tensor[] {y};
        });
    }

    @Test
    void gemm() {
        int[][] mnk = {{1, 1, 1}, {33, 17, 65}, {128, 96, 257}};
        for (int[] s : mnk) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    int m = s[0], n = s[1], k = s[2];
                    float[] a = uniform(4, 3 * m * k, -1, 1);
                    float[] bb = uniform(5, k * n, -1, 1);
                    float[] c0 = uniform(6, 3 * m * n, -1, 1);
                    check("gemm batched 3, m n k " + Arrays.toString(s) + " transA " + ta + " transB " + tb,
                            new Parity.Tol(1e-4, 1e-6 * Math.sqrt(k)), b -> {
                                Tensor c = of(b, c0, 3, m, n);
                                b.ops().gemm(ta, tb, 0.5f, of(b, a, ta ? new int[] {3, k, m} : new int[] {3, m, k}),
                                        of(b, bb, tb ? new int[] {n, k} : new int[] {k, n}), 0.25f, c);
                                return new Tensor[] {c};
                            });
                }
            }
        }
    }

    @Test
    void unaryForwardAndBackward() {
        for (int n : SIZES) {
            float[] x = uniform(n, n, -6, 6);
            float[] pos = uniform(n + 1, n, 0.01, 6);
            float[] dy = uniform(n + 2, n, -1, 1);
            for (Unary op : Unary.values()) {
                float[] in = op == Unary.LOG ? pos : x;
                check("unary " + op + " n=" + n, ELEMENTWISE, b -> {
                    Tensor y = empty(b, n);
                    Tensor dx = empty(b, n);
                    b.ops().unary(op, of(b, in, n), y);
                    b.ops().unaryBackward(op, of(b, in, n), of(b, dy, n), dx);
                    return new Tensor[] {y, dx};
                });
            }
        }
        float[] big = {25f, 20.5f, -30f, 0f};
        check("softplus above PyTorch's threshold", ELEMENTWISE, b -> {
            Tensor y = empty(b, 4);
            b.ops().unary(Unary.SOFTPLUS, of(b, big, 4), y);
            return new Tensor[] {y};
        });
    }

    @Test
    void binaryAffineAxpy() {
        int[][] shapes = {{1}, {3, 33}, {7, 5, 257}};
        for (int[] shape : shapes) {
            int n = numel(shape);
            float[] a = uniform(7, n, -2, 2);
            float[][] bs = {uniform(8, n, 0.5, 2), uniform(9, shape[shape.length - 1], 0.5, 2), {1.75f}};
            int[][] bShapes = {shape, {shape[shape.length - 1]}, {1}};
            for (Binary op : Binary.values()) {
                for (int j = 0; j < bs.length; j++) {
                    float[] bv = bs[j];
                    int[] bShape = bShapes[j];
                    check("binary " + op + " a " + Arrays.toString(shape) + " b " + Arrays.toString(bShape), ELEMENTWISE, b -> {
                        Tensor out = empty(b, shape);
                        b.ops().binary(op, of(b, a, shape), of(b, bv, bShape), out);
                        return new Tensor[] {out};
                    });
                }
            }
            check("affine and axpy " + Arrays.toString(shape), EXACT, b -> {
                Tensor y = empty(b, shape);
                b.ops().affine(of(b, a, shape), -1.25f, 0.5f, y);
                Tensor acc = of(b, bs[0], shape);
                b.ops().axpy(0.3f, of(b, a, shape), acc);
                return new Tensor[] {y, acc};
            });
        }
    }

    @Test
    void sumAndBroadcastAxis() {
        // {shape, axis}: every kernel (sum, sum_rows) with and without splits (long axis, few outputs)
        int[][][] cases = {{{2, 33, 5}, {1}}, {{7, 257}, {1}}, {{257, 7}, {0}}, {{1001}, {0}}, {{1, 100_003, 1}, {1}},
                {{1, 40_001, 67}, {1}}, {{70_001, 3}, {0}}, {{3, 2, 20_000}, {1}}, {{3, 1201, 1029}, {1}}};
        for (int[][] c : cases) {
            int[] shape = c[0];
            int axis = c[1][0];
            int[] reduced = Shape.without(shape, axis);
            float[] x = uniform(10, numel(shape), -1, 1);
            float[] dy = uniform(11, numel(reduced), -1, 1);
            check("sum " + Arrays.toString(shape) + " axis " + axis, REDUCTION, b -> {
                Tensor out = empty(b, reduced);
                b.ops().sum(of(b, x, shape), axis, 1f / 3, out);
                Tensor dx = empty(b, shape);
                b.ops().broadcastAxis(of(b, dy, reduced), axis, 0.5f, dx);
                return new Tensor[] {out, dx};
            });
        }
    }

    @Test
    void layerAndRmsNorm() {
        int[][] shapes = {{1, 1}, {3, 33}, {17, 64}, {5000, 64}, {9, 1001}};
        for (int[] s : shapes) {
            int rows = s[0], d = s[1];
            float[] x = normal(12, rows * d, 2);
            float[] g = uniform(13, d, 0.5, 1.5);
            float[] be = uniform(14, d, -0.5, 0.5);
            float[] dy = uniform(15, rows * d, -1, 1);
            check("layerNorm " + Arrays.toString(s), REDUCTION, b -> {
                Tensor y = empty(b, rows, d), mean = empty(b, rows), rstd = empty(b, rows);
                b.ops().layerNorm(of(b, x, rows, d), of(b, g, d), of(b, be, d), 1e-5f, y, mean, rstd);
                Tensor dx = empty(b, rows, d), dg = empty(b, d), db = empty(b, d);
                b.ops().layerNormBackward(of(b, x, rows, d), of(b, g, d), mean, rstd, of(b, dy, rows, d), dx, dg, db);
                Tensor dgOnly = empty(b, d);
                b.ops().layerNormBackward(of(b, x, rows, d), of(b, g, d), mean, rstd, of(b, dy, rows, d), null, dgOnly,
                        null);
                return new Tensor[] {y, mean, rstd, dx, dg, db, dgOnly};
            });
            check("rmsNorm " + Arrays.toString(s), REDUCTION, b -> {
                Tensor y = empty(b, rows, d), rstd = empty(b, rows);
                b.ops().rmsNorm(of(b, x, rows, d), of(b, g, d), 1e-6f, y, rstd);
                Tensor dx = empty(b, rows, d), dg = empty(b, d);
                b.ops().rmsNormBackward(of(b, x, rows, d), of(b, g, d), rstd, of(b, dy, rows, d), dx, dg);
                return new Tensor[] {y, rstd, dx, dg};
            });
        }
    }

    @Test
    void softmaxAndCrossEntropy() {
        int[][] shapes = {{1, 1}, {3, 33}, {40, 257}, {7, 12_345}};
        for (int[] s : shapes) {
            int rows = s[0], v = s[1];
            float[] x = normal(16, rows * v, 3);
            float[] dy = uniform(17, rows * v, -1, 1);
            check("softmax " + Arrays.toString(s), REDUCTION, b -> {
                Tensor y = empty(b, rows, v), dx = empty(b, rows, v);
                b.ops().softmax(of(b, x, rows, v), y);
                b.ops().softmaxBackward(y, of(b, dy, rows, v), dx);
                return new Tensor[] {y, dx};
            });
            int[] t = new org.echorec.runtime.testing.Rand(18).ints(rows, -1, v); // −1 rows are ignored
            float[] dloss = uniform(19, rows, 0.1, 1);
            check("crossEntropy " + Arrays.toString(s), REDUCTION, b -> {
                Tensor loss = empty(b, rows), lse = empty(b, rows);
                Tensor logits = of(b, x, rows, v);
                b.ops().crossEntropy(logits, ints(b, t, rows), loss, lse);
                b.ops().crossEntropyBackward(logits, ints(b, t, rows), lse, of(b, dloss, rows), logits); // aliasing
                return new Tensor[] {loss, lse, logits};
            });
        }
        try (Scope s = Scope.open()) {
            Backend b = Parity.cuda();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.ops().crossEntropy(
                    of(b, new float[6], 2, 3), ints(b, new int[] {1, 3}, 2), empty(b, 2), empty(b, 2)));
            assertTrue(e.getMessage().contains("crossEntropy: target 3 of row 1"), e.getMessage());
        }
    }

    @Test
    void gatherAndScatterAdd() {
        int vocab = 1001, d = 67;
        float[] table = uniform(20, vocab * d, -1, 1);
        int[] ids = new org.echorec.runtime.testing.Rand(21).ints(4 * 37, 0, 40); // many repeats
        ids[5] = 0;
        float[] src = uniform(22, ids.length * d, -1, 1);
        check("gather and scatterAdd (skip id 0) table [1001, 67] ids [4, 37]", REDUCTION, b -> {
            Tensor out = empty(b, 4, 37, d);
            b.ops().gather(of(b, table, vocab, d), ints(b, ids, 4, 37), out);
            Tensor acc = of(b, table, vocab, d);
            b.ops().scatterAdd(ints(b, ids, 4, 37), of(b, src, 4, 37, d), 0, acc);
            return new Tensor[] {out, acc};
        });
        try (Scope s = Scope.open()) {
            Backend b = Parity.cuda();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.ops().gather(
                    of(b, table, vocab, d), ints(b, new int[] {3, 1001}, 2), empty(b, 2, d)));
            assertTrue(e.getMessage().contains("gather: id 1001 at position 1"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> b.ops().scatterAdd(ints(b, new int[] {-2}, 1),
                    of(b, new float[d], 1, d), -1, of(b, table, vocab, d)));
        }
    }

    @Test
    void randomStreamsAreTheCpusBits() {
        for (int n : new int[] {1, 3, 4, 5, 1001, 100_003}) {
            for (long offset : new long[] {0, 3, 1L << 33}) {
                float[] x = uniform(23, n, -1, 1);
                check("dropout p=0.3 n=" + n + " offset " + offset, EXACT, b -> {
                    Tensor y = empty(b, n);
                    b.ops().dropout(of(b, x, n), 0.3f, 0x1234_5678_9abcL, offset, y);
                    Tensor u = empty(b, n);
                    b.ops().randomUniform(u, -42L, offset, -0.5f, 2f);
                    return new Tensor[] {y, u};
                });
                check("randomNormal n=" + n + " offset " + offset, new Parity.Tol(3e-7, 1e-6), b -> {
                    Tensor z = empty(b, n);
                    b.ops().randomNormal(z, 77L, offset, 0.5f, 2f);
                    return new Tensor[] {z};
                });
            }
        }
    }

    @Test
    void topKWithTiesAndNaN() {
        int rows = 9, n = 1001;
        float[] x = uniform(24, rows * n, -1, 1);
        for (int i = 0; i < x.length; i += 3) {
            x[i] = Math.round(x[i] * 4) / 4f; // many exact ties
        }
        x[7] = Float.NaN;
        x[n + 11] = Float.POSITIVE_INFINITY;
        for (int k : new int[] {1, 10, 100, n}) {
            check("topK k=" + k + " x [" + rows + ", " + n + "] with ties", EXACT, b -> {
                Tensor v = empty(b, rows, k);
                Tensor idx = Tensor.empty(b, DType.I32, rows, k);
                b.ops().topK(of(b, x, rows, n), k, v, idx);
                return new Tensor[] {v, idx};
            });
        }
    }

    @Test
    void adamIsBitIdentical() {
        int n = 100_003;
        float[] p = uniform(25, n, -1, 1), g = uniform(26, n, -1, 1), m = uniform(27, n, -0.1, 0.1),
                v = uniform(28, n, 0, 0.01);
        for (boolean decoupled : new boolean[] {false, true}) {
            AdamStep step = new AdamStep(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, 7);
            check("adam decoupled=" + decoupled, EXACT, b -> {
                Tensor tp = of(b, p, n), tm = of(b, m, n), tv = of(b, v, n);
                b.ops().adam(tp, of(b, g, n), tm, tv, step);
                return new Tensor[] {tp, tm, tv};
            });
        }
    }
}
