package org.echorec.bindings.cublas;

import static org.echorec.bindings.cublas.cublas_h.C_INT;
import static org.echorec.bindings.cublas.cublas_h.C_POINTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.echorec.bindings.cuda.CudaCheck;
import org.echorec.bindings.cuda.GpuContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** cuBLAS GEMMs on a real GPU against a loop. Skipped, with the reason, without libcublas, libcuda or a device. */
@Tag("gpu")
class CublasGpuTest {
    private Arena arena;
    private MemorySegment handle;

    @BeforeEach
    void createHandle() {
        assumeTrue(cublas_h.LIBRARY.isAvailable(), () -> "skipped: " + cublas_h.LIBRARY.unavailableReason());
        GpuContext.assumeCurrent();
        arena = Arena.ofConfined();
        MemorySegment slot = arena.allocate(C_POINTER);
        CudaCheck.cublas(cublas_h.cublasCreate_v2(slot), "cublasCreate_v2");
        handle = slot.get(C_POINTER, 0);
        // FP32 in FP32, so that the loop below is the reference whatever the GPU.
        CudaCheck.cublas(cublas_h.cublasSetMathMode(handle, cublas_h.CUBLAS_PEDANTIC_MATH), "cublasSetMathMode");
        CudaCheck.cublas(cublas_h.cublasSetStream_v2(handle, MemorySegment.NULL), "cublasSetStream_v2");
    }

    @AfterEach
    void destroyHandle() {
        if (handle != null) {
            CudaCheck.cublas(cublas_h.cublasDestroy_v2(handle), "cublasDestroy_v2");
        }
        if (arena != null) {
            arena.close();
        }
    }

    @Test
    void theHandleKnowsTheVersion() {
        MemorySegment version = arena.allocate(C_INT);
        CudaCheck.cublas(cublas_h.cublasGetVersion_v2(handle, version), "cublasGetVersion_v2");
        MemorySegment major = arena.allocate(C_INT);
        CudaCheck.cublas(cublas_h.cublasGetProperty(cublas_h.MAJOR_VERSION, major), "cublasGetProperty");
        assertEquals(major.get(C_INT, 0), version.get(C_INT, 0) / 10000);
    }

    @Test
    void sgemmAndItsStridedBatchMatchALoop() {
        // Column-major: C[m, n] = alpha * A^T B + beta * C with A stored [k, m] and B [k, n], two batches.
        int m = 5;
        int n = 3;
        int k = 7;
        int batch = 2;
        float[] a = fill(batch * k * m, 0.5f);
        float[] b = fill(batch * k * n, -0.25f);
        float[] c = fill(batch * m * n, 1f);
        float alpha = 1.5f;
        float beta = -0.5f;
        long da = upload(a);
        long db = upload(b);
        long dc = upload(c);
        long dSingle = upload(c);
        try {
            MemorySegment alphaHost = arena.allocateFrom(ValueLayout.JAVA_FLOAT, alpha);
            MemorySegment betaHost = arena.allocateFrom(ValueLayout.JAVA_FLOAT, beta);
            CudaCheck.cublas(cublas_h.cublasSgemm_v2(handle, cublas_h.CUBLAS_OP_T, cublas_h.CUBLAS_OP_N, m, n, k,
                    alphaHost, device(da), k, device(db), k, betaHost, device(dSingle), m), "cublasSgemm_v2");
            CudaCheck.cublas(cublas_h.cublasSgemmStridedBatched(handle, cublas_h.CUBLAS_OP_T, cublas_h.CUBLAS_OP_N, m, n,
                    k, alphaHost, device(da), k, (long) k * m, device(db), k, (long) k * n, betaHost, device(dc), m,
                    (long) m * n, batch), "cublasSgemmStridedBatched");
            float[] single = GpuContext.download(dSingle, batch * m * n);
            float[] batched = GpuContext.download(dc, batch * m * n);
            for (int p = 0; p < batch; p++) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int q = 0; q < k; q++) {
                            s += (double) a[p * k * m + i * k + q] * b[p * k * n + j * k + q];
                        }
                        int at = p * m * n + j * m + i;
                        double expected = alpha * s + beta * c[at];
                        double tolerance = 1e-5 * k * (1 + Math.abs(expected));
                        assertEquals(expected, batched[at], tolerance, "batch " + p + " C[" + i + "," + j + "]");
                        if (p == 0) {
                            assertEquals(expected, single[at], tolerance, "C[" + i + "," + j + "]");
                        } else {
                            assertEquals(c[at], single[at], "sgemm left the second batch alone");
                        }
                    }
                }
            }
        } finally {
            for (long d : new long[] {da, db, dc, dSingle}) {
                GpuContext.free(d);
            }
        }
    }

    @Test
    void gemmExInFp32MatchesSgemm() {
        int m = 4;
        int n = 6;
        int k = 3;
        long da = upload(fill(m * k, 0.75f));
        long db = upload(fill(k * n, 0.5f));
        long dc1 = upload(new float[m * n]);
        long dc2 = upload(new float[m * n]);
        try {
            MemorySegment one = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f);
            MemorySegment zero = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 0f);
            CudaCheck.cublas(cublas_h.cublasSgemm_v2(handle, cublas_h.CUBLAS_OP_N, cublas_h.CUBLAS_OP_N, m, n, k, one,
                    device(da), m, device(db), k, zero, device(dc1), m), "cublasSgemm_v2");
            CudaCheck.cublas(cublas_h.cublasGemmEx(handle, cublas_h.CUBLAS_OP_N, cublas_h.CUBLAS_OP_N, m, n, k, one,
                    device(da), cublas_h.CUDA_R_32F, m, device(db), cublas_h.CUDA_R_32F, k, zero, device(dc2),
                    cublas_h.CUDA_R_32F, m, cublas_h.CUBLAS_COMPUTE_32F_PEDANTIC, cublas_h.CUBLAS_GEMM_DEFAULT),
                    "cublasGemmEx");
            float[] expected = GpuContext.download(dc1, m * n);
            float[] got = GpuContext.download(dc2, m * n);
            for (int i = 0; i < m * n; i++) {
                assertEquals(expected[i], got[i], 1e-5f * (1 + Math.abs(expected[i])), "C[" + i + "]");
            }
            assertTrue(expected[0] != 0, "a GEMM that computed something");
        } finally {
            for (long d : new long[] {da, db, dc1, dc2}) {
                GpuContext.free(d);
            }
        }
    }

    private static float[] fill(int count, float scale) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = scale * ((i * 7 % 11) - 5);
        }
        return values;
    }

    private static long upload(float[] values) {
        long d = GpuContext.alloc(4L * values.length);
        GpuContext.upload(d, values);
        return d;
    }

    private static MemorySegment device(long dptr) {
        return MemorySegment.ofAddress(dptr);
    }
}
