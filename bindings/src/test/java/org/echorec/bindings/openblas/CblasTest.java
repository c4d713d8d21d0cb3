package org.echorec.bindings.openblas;

import static org.echorec.bindings.openblas.cblas_h.CblasNoTrans;
import static org.echorec.bindings.openblas.cblas_h.CblasRowMajor;
import static org.echorec.bindings.openblas.cblas_h.CblasTrans;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** cblas_sgemm and the OpenBLAS extras through the binding; skipped, with the reason, without OpenBLAS. */
class CblasTest {
    @BeforeEach
    void needsOpenBlas() {
        assumeTrue(cblas_h.LIBRARY.isAvailable(), () -> "skipped: " + cblas_h.LIBRARY.unavailableReason());
    }

    @Test
    void sgemmMatchesALoop() {
        int m = 3;
        int n = 5;
        int k = 4;
        float[] a = new float[m * k];
        float[] bt = new float[n * k]; // B given transposed: [n, k]
        float[] c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = i * 0.5f - 2;
        }
        for (int i = 0; i < bt.length; i++) {
            bt[i] = 1.5f - i * 0.25f;
        }
        for (int i = 0; i < c.length; i++) {
            c[i] = i;
        }
        float alpha = 2f;
        float beta = 0.5f;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a);
            MemorySegment sb = arena.allocateFrom(ValueLayout.JAVA_FLOAT, bt);
            MemorySegment sc = arena.allocateFrom(ValueLayout.JAVA_FLOAT, c);
            cblas_h.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, alpha, sa, k, sb, k, beta, sc, n);
            float[] got = sc.toArray(ValueLayout.JAVA_FLOAT);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += (double) a[i * k + p] * bt[j * k + p];
                    }
                    double expected = alpha * s + beta * c[i * n + j];
                    assertEquals(expected, got[i * n + j], 1e-5 * (1 + Math.abs(expected)), "C[" + i + "," + j + "]");
                }
            }
        }
    }

    @Test
    void threadsAndBuildInformation() {
        int before = cblas_h.openblas_get_num_threads();
        cblas_h.openblas_set_num_threads(1);
        assertEquals(1, cblas_h.openblas_get_num_threads());
        cblas_h.openblas_set_num_threads(before);
        String core = cblas_h.openblas_get_corename().reinterpret(256).getString(0);
        String config = cblas_h.openblas_get_config().reinterpret(1024).getString(0);
        assertFalse(core.isBlank(), "core name");
        assertFalse(config.isBlank(), "config");
    }
}
