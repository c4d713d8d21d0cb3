package org.echorec.bindings.cublas;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import org.echorec.bindings.Native;
import org.echorec.bindings.cuda.CudaLibraries;

/**
 * cuBLAS, the v2 API ({@code cublas_api.h} as included by {@code cublas_v2.h}, {@code libcublas}), the part
 * echorec uses, in the shape jextract generates. Every function returns a {@code cublasStatus_t} as an
 * {@code int}; {@link org.echorec.bindings.cuda.CudaCheck#cublas} turns it into an exception.
 * {@code cublasHandle_t} and {@code cudaStream_t} are pointers; the enums are {@code int}; device matrices
 * are passed as pointers ({@code MemorySegment.ofAddress(dptr)}). Signatures checked against copies of
 * NVIDIA's {@code cublas_api.h} (cuBLAS 11.9) and the cuBLAS documentation; every symbol against
 * {@code libcublas.so.11} (cuBLAS 11.11).
 *
 * <p>Note: versioned symbols. {@code cublas_v2.h} maps the v2 API onto {@code _v2} symbols
 * ({@code #define cublasSgemm cublasSgemm_v2}); the plain names are the legacy API, which keeps its own
 * global state and has no handle. Wrappers are named as the symbol bound. Functions added after the v2 API
 * ({@code cublasSetMathMode}, {@code cublasSgemmStridedBatched}, {@code cublasGemmEx},
 * {@code cublasGetProperty}) have no {@code _v2} suffix.
 */
public final class cublas_h {
    private cublas_h() {}

    public static final ValueLayout.OfInt C_INT = JAVA_INT;
    /** {@code long long int}, the type of the batch strides */
    public static final ValueLayout.OfLong C_LONG_LONG = JAVA_LONG;
    public static final AddressLayout C_POINTER = ADDRESS;

    /** enum cublasStatus_t; {@link org.echorec.bindings.cuda.CudaCheck} names and explains each. */
    public static final int CUBLAS_STATUS_SUCCESS = 0;
    public static final int CUBLAS_STATUS_NOT_INITIALIZED = 1;
    public static final int CUBLAS_STATUS_ALLOC_FAILED = 3;
    public static final int CUBLAS_STATUS_INVALID_VALUE = 7;
    public static final int CUBLAS_STATUS_ARCH_MISMATCH = 8;
    public static final int CUBLAS_STATUS_MAPPING_ERROR = 11;
    public static final int CUBLAS_STATUS_EXECUTION_FAILED = 13;
    public static final int CUBLAS_STATUS_INTERNAL_ERROR = 14;
    public static final int CUBLAS_STATUS_NOT_SUPPORTED = 15;
    public static final int CUBLAS_STATUS_LICENSE_ERROR = 16;

    /** enum cublasOperation_t */
    public static final int CUBLAS_OP_N = 0;
    public static final int CUBLAS_OP_T = 1;
    public static final int CUBLAS_OP_C = 2;

    /** enum cublasMath_t */
    public static final int CUBLAS_DEFAULT_MATH = 0;
    /** FP32 routines use the matching {@code _PEDANTIC} compute type: no reduced-precision shortcuts. */
    public static final int CUBLAS_PEDANTIC_MATH = 2;
    /** FP32 routines may round inputs to TF32 for the tensor cores (Ampere and later). */
    public static final int CUBLAS_TF32_TENSOR_OP_MATH = 3;
    /** A flag to OR in: reductions accumulate in the compute type even when the output type is narrower. */
    public static final int CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION = 16;

    /** enum cublasComputeType_t, for {@link #cublasGemmEx} */
    public static final int CUBLAS_COMPUTE_32F = 68;
    public static final int CUBLAS_COMPUTE_32F_PEDANTIC = 69;
    public static final int CUBLAS_COMPUTE_32F_FAST_16F = 74;
    public static final int CUBLAS_COMPUTE_32F_FAST_16BF = 75;
    public static final int CUBLAS_COMPUTE_32F_FAST_TF32 = 77;

    /** enum cublasGemmAlgo_t */
    public static final int CUBLAS_GEMM_DEFAULT = -1;

    /** enum cudaDataType_t ({@code library_types.h}), for {@link #cublasGemmEx} */
    public static final int CUDA_R_32F = 0;
    public static final int CUDA_R_16F = 2;
    public static final int CUDA_R_16BF = 14;

    /** enum libraryPropertyType_t ({@code library_types.h}), for {@link #cublasGetProperty} */
    public static final int MAJOR_VERSION = 0;
    public static final int MINOR_VERSION = 1;
    public static final int PATCH_LEVEL = 2;

    /**
     * Where {@code libcublas} was found, or why not: CUDA 13's soname first, then 12's and 11's. cuBLAS 11
     * and later need {@code libcublasLt} of the same version, which the loader finds in the same directory
     * when libcublas carries {@code RUNPATH $ORIGIN} (Debian's cuBLAS 11 does). For a copy without it, when
     * libcublas comes from one of {@link CudaLibraries}'s directories (a Python wheel's, say), libcublasLt is
     * loaded from that directory first (see {@link Native}, note: dependencies in the same directory).
     */
    public static final Native.Library LIBRARY = CudaLibraries.load("cuBLAS", "cublas",
            List.of("libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"),
            List.of("libcublasLt.so.13", "libcublasLt.so.12", "libcublasLt.so.11", "libcublasLt.so"));

    private static final class cublasCreate_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cublasCreate_v2", DESC);
    }

    /**
     * {@code cublasStatus_t cublasCreate_v2(cublasHandle_t *handle)}
     * <p>Needs a GPU: it initialises the CUDA runtime on the current device (the primary context). cublas_v2.h:
     * {@code #define cublasCreate cublasCreate_v2}.
     */
    public static int cublasCreate_v2(MemorySegment handle) {
        MethodHandle mh$ = cublasCreate_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(handle);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cublasDestroy_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cublasDestroy_v2", DESC);
    }

    /**
     * {@code cublasStatus_t cublasDestroy_v2(cublasHandle_t handle)}
     */
    public static int cublasDestroy_v2(MemorySegment handle) {
        MethodHandle mh$ = cublasDestroy_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(handle);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cublasGetVersion_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cublasGetVersion_v2", DESC);
    }

    /**
     * {@code cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, int *version)}
     * <p>{@code *version} is 10000 * major + 100 * minor + patch. Needs a handle; {@link #cublasGetProperty} does
     * not.
     */
    public static int cublasGetVersion_v2(MemorySegment handle, MemorySegment version) {
        MethodHandle mh$ = cublasGetVersion_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, version);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cublasGetProperty {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cublasGetProperty", DESC);
    }

    /**
     * {@code cublasStatus_t cublasGetProperty(libraryPropertyType type, int *value)}
     * <p>{@code type}: {@link #MAJOR_VERSION}, {@link #MINOR_VERSION} or {@link #PATCH_LEVEL}; needs no handle and
     * no GPU.
     */
    public static int cublasGetProperty(int type, MemorySegment value) {
        MethodHandle mh$ = cublasGetProperty.HANDLE;
        try {
            return (int) mh$.invokeExact(type, value);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cublasSetStream_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cublasSetStream_v2", DESC);
    }

    /**
     * {@code cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId)}
     * <p>{@code cudaStream_t} and the driver's {@code CUstream} are the same pointer.
     */
    public static int cublasSetStream_v2(MemorySegment handle, MemorySegment streamId) {
        MethodHandle mh$ = cublasSetStream_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, streamId);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cublasSetMathMode {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cublasSetMathMode", DESC);
    }

    /**
     * {@code cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode)}
     * <p>{@link #CUBLAS_DEFAULT_MATH} keeps FP32 GEMMs in FP32; {@link #CUBLAS_TF32_TENSOR_OP_MATH} lets them use
     * TF32 tensor cores.
     */
    public static int cublasSetMathMode(MemorySegment handle, int mode) {
        MethodHandle mh$ = cublasSetMathMode.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, mode);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cublasSgemm_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT,
                C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cublasSgemm_v2", DESC);
    }

    /**
     * {@code cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa,
     *     cublasOperation_t transb, int m, int n, int k, const float *alpha, const float *A, int lda, const float *B,
     *     int ldb, const float *beta, float *C, int ldc)}
     * <p>C = alpha op(A) op(B) + beta C, column-major. {@code alpha} and {@code beta} are pointers: to host memory
     * in the default pointer mode (a {@code float} in a native segment), to device memory after
     * {@code cublasSetPointerMode(CUBLAS_POINTER_MODE_DEVICE)}. {@code A}, {@code B} and {@code C} are device
     * addresses, passed as {@code MemorySegment.ofAddress(dptr)}. cublas_v2.h:
     * {@code #define cublasSgemm cublasSgemm_v2}.
     */
    public static int cublasSgemm_v2(MemorySegment handle, int transa, int transb, int m, int n, int k,
            MemorySegment alpha, MemorySegment A, int lda, MemorySegment B, int ldb, MemorySegment beta,
            MemorySegment C, int ldc) {
        MethodHandle mh$ = cublasSgemm_v2.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cublasSgemmStridedBatched {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT,
                C_INT, C_POINTER, C_POINTER, C_INT, C_LONG_LONG, C_POINTER, C_INT, C_LONG_LONG, C_POINTER, C_POINTER,
                C_INT, C_LONG_LONG, C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cublasSgemmStridedBatched", DESC);
    }

    /**
     * {@code cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa,
     *     cublasOperation_t transb, int m, int n, int k, const float *alpha, const float *A, int lda,
     *     long long int strideA, const float *B, int ldb, long long int strideB, const float *beta, float *C, int ldc,
     *     long long int strideC, int batchCount)}
     * <p>{@code batchCount} GEMMs; matrix {@code i} of A starts {@code i * strideA} elements (not bytes) after A. No
     * {@code _v2}: it came after the v2 API.
     */
    public static int cublasSgemmStridedBatched(MemorySegment handle, int transa, int transb, int m, int n, int k,
            MemorySegment alpha, MemorySegment A, int lda, long strideA, MemorySegment B, int ldb, long strideB,
            MemorySegment beta, MemorySegment C, int ldc, long strideC, int batchCount) {
        MethodHandle mh$ = cublasSgemmStridedBatched.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, transa, transb, m, n, k, alpha, A, lda, strideA, B, ldb, strideB,
                    beta, C, ldc, strideC, batchCount);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }

    private static final class cublasGemmEx {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT,
                C_INT, C_POINTER, C_POINTER, C_INT, C_INT, C_POINTER, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_INT,
                C_INT, C_INT);
        static final MethodHandle HANDLE = Native.downcall(LIBRARY, "cublasGemmEx", DESC);
    }

    /**
     * {@code cublasStatus_t cublasGemmEx(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb,
     *     int m, int n, int k, const void *alpha, const void *A, cudaDataType Atype, int lda, const void *B,
     *     cudaDataType Btype, int ldb, const void *beta, void *C, cudaDataType Ctype, int ldc,
     *     cublasComputeType_t computeType, cublasGemmAlgo_t algo)}
     * <p>Mixed precision: the {@code CUDA_R_*} types of A, B and C, a {@code CUBLAS_COMPUTE_*} type (whose scalar
     * type {@code alpha} and {@code beta} have: {@code float} for the 32F ones) and usually
     * {@link #CUBLAS_GEMM_DEFAULT}. (cuBLAS 10 took a {@code cudaDataType} as compute type; cuBLAS 11 and later take
     * {@code cublasComputeType_t}.)
     */
    public static int cublasGemmEx(MemorySegment handle, int transa, int transb, int m, int n, int k,
            MemorySegment alpha, MemorySegment A, int Atype, int lda, MemorySegment B, int Btype, int ldb,
            MemorySegment beta, MemorySegment C, int Ctype, int ldc, int computeType, int algo) {
        MethodHandle mh$ = cublasGemmEx.HANDLE;
        try {
            return (int) mh$.invokeExact(handle, transa, transb, m, n, k, alpha, A, Atype, lda, B, Btype, ldb, beta,
                    C, Ctype, ldc, computeType, algo);
        } catch (Throwable ex) {
            throw new AssertionError("should not reach here", ex);
        }
    }
}
