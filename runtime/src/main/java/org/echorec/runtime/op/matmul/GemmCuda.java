package org.echorec.runtime.op.matmul;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.echorec.bindings.cublas.cublas_h;
import org.echorec.bindings.cuda.CudaCheck;
import org.echorec.runtime.backend.cuda.Cuda;
import org.echorec.runtime.backend.cuda.CudaBackend;
import org.echorec.runtime.tensor.Tensor;

/**
 * {@code Ops.gemm} on the GPU: one cuBLAS call, {@code cublasSgemm_v2} or, with a batch axis,
 * {@code cublasSgemmStridedBatched} (a shared rank-2 operand has batch stride 0).
 *
 * <p>Note: row-major through a column-major library. cuBLAS reads a matrix stored row-major with row
 * stride {@code ld} as its transpose, column-major with leading dimension {@code ld}. So the row-major
 * {@code C = op(A)·op(B)} is computed as the column-major {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}: B is passed first,
 * the transpose flags keep their meaning per operand, and m and n trade places. No data moves.
 */
public final class GemmCuda {
    private GemmCuda() {}

    public static void gemm(CudaBackend backend, boolean transA, boolean transB, float alpha, Tensor a, Tensor b,
                            float beta, Tensor c) {
        int m = c.dim(-2);
        int n = c.dim(-1);
        int k = transA ? a.dim(-2) : a.dim(-1);
        int batch = c.rank() == 3 ? c.dim(0) : 1;
        if (m == 0 || n == 0 || batch == 0) {
            return;
        }
        // cuBLAS insists on ld ≥ the stored row length even where a size-1 axis makes the stride meaningless
        int lda = leading(a);
        int ldb = leading(b);
        int ldc = leading(c);
        int opA = transA ? cublas_h.CUBLAS_OP_T : cublas_h.CUBLAS_OP_N;
        int opB = transB ? cublas_h.CUBLAS_OP_T : cublas_h.CUBLAS_OP_N;
        MemorySegment handle = backend.cublas();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment alphaHost = arena.allocateFrom(ValueLayout.JAVA_FLOAT, alpha);
            MemorySegment betaHost = arena.allocateFrom(ValueLayout.JAVA_FLOAT, beta);
            MemorySegment pa = MemorySegment.ofAddress(Cuda.address(a));
            MemorySegment pb = MemorySegment.ofAddress(Cuda.address(b));
            MemorySegment pc = MemorySegment.ofAddress(Cuda.address(c));
            if (batch == 1) {
                CudaCheck.cublas(cublas_h.cublasSgemm_v2(handle, opB, opA, n, m, k, alphaHost, pb, ldb, pa, lda,
                        betaHost, pc, ldc), "cublasSgemm_v2");
            } else {
                CudaCheck.cublas(cublas_h.cublasSgemmStridedBatched(handle, opB, opA, n, m, k, alphaHost,
                        pb, ldb, batchStride(b), pa, lda, batchStride(a), betaHost, pc, ldc, batchStride(c), batch),
                        "cublasSgemmStridedBatched");
            }
        }
    }

    private static int leading(Tensor t) {
        long ld = Math.max(t.stride(-2), Math.max(1, t.dim(-1)));
        if (ld > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("gemm on CUDA: row stride " + ld + " of " + t + " exceeds cuBLAS's int");
        }
        return (int) ld;
    }

    private static long batchStride(Tensor t) {
        return t.rank() == 3 && t.dim(0) > 1 ? t.stride(0) : 0;
    }
}
