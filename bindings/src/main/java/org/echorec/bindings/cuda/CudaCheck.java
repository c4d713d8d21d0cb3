package org.echorec.bindings.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.echorec.bindings.Native;
import org.echorec.bindings.NativeException;
import org.echorec.bindings.cublas.cublas_h;
import org.echorec.bindings.cufft.cufft_h;
import org.echorec.bindings.nvrtc.nvrtc_h;

/**
 * The one place where the status codes of the CUDA libraries become exceptions. The header classes stay raw
 * (each wrapper returns its library's status as an {@code int}); callers write
 * {@code CudaCheck.cu(cuda_h.cuMemAlloc_v2(ptr, bytes), "cuMemAlloc_v2")} and get, on failure, a
 * {@link NativeException} such as
 * {@code cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (out of memory) (2)}: the call, the library's own
 * name and description of the code, and the number.
 *
 * <p>Note: where the words come from. The driver and NVRTC describe their own codes
 * ({@code cuGetErrorName} and {@code cuGetErrorString}, {@code nvrtcGetErrorString}), so a newer library's
 * new codes are named too; a status can only have come from a loaded library, so the lookup is there when
 * it is needed. cuBLAS and cuFFT get a static table: cuFFT has no such function, and cuBLAS's
 * ({@code cublasGetStatusString}) is missing before cuBLAS 11.4. Their codes change rarely and are listed in
 * their documentation; an unknown one is reported by number.
 */
public final class CudaCheck {
    private CudaCheck() {}

    /** Throws unless {@code status} is {@code CUDA_SUCCESS}. */
    public static void cu(int status, String call) {
        Native.check(status, cuda_h.CUDA_SUCCESS, call, CudaCheck::describeCu);
    }

    /** Throws unless {@code status} is {@code NVRTC_SUCCESS}; a compile error's details are in the program log. */
    public static void nvrtc(int status, String call) {
        Native.check(status, nvrtc_h.NVRTC_SUCCESS, call, CudaCheck::describeNvrtc);
    }

    /** Throws unless {@code status} is {@code CUBLAS_STATUS_SUCCESS}. */
    public static void cublas(int status, String call) {
        Native.check(status, cublas_h.CUBLAS_STATUS_SUCCESS, call, CudaCheck::describeCublas);
    }

    /** Throws unless {@code status} is {@code CUFFT_SUCCESS}. */
    public static void cufft(int status, String call) {
        Native.check(status, cufft_h.CUFFT_SUCCESS, call, CudaCheck::describeCufft);
    }

    /** The driver's name and description of a {@code CUresult}: {@code CUDA_ERROR_OUT_OF_MEMORY (out of memory)}. */
    public static String describeCu(int status) {
        if (!cuda_h.LIBRARY.isAvailable()) {
            return "CUresult " + status + " (the CUDA driver is not loaded to name it)";
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocate(cuda_h.C_POINTER);
            if (cuda_h.cuGetErrorName(status, text) != cuda_h.CUDA_SUCCESS) {
                return "CUresult " + status + " (unknown to this driver)";
            }
            String name = cString(text.get(cuda_h.C_POINTER, 0));
            if (cuda_h.cuGetErrorString(status, text) != cuda_h.CUDA_SUCCESS) {
                return name;
            }
            return name + " (" + cString(text.get(cuda_h.C_POINTER, 0)) + ")";
        }
    }

    /** NVRTC's name of an {@code nvrtcResult}, such as {@code NVRTC_ERROR_COMPILATION}. */
    public static String describeNvrtc(int status) {
        if (!nvrtc_h.LIBRARY.isAvailable()) {
            return "nvrtcResult " + status + " (NVRTC is not loaded to name it)";
        }
        return cString(nvrtc_h.nvrtcGetErrorString(status));
    }

    /** The name and documented meaning of a {@code cublasStatus_t}. */
    public static String describeCublas(int status) {
        return switch (status) {
            case cublas_h.CUBLAS_STATUS_SUCCESS -> "CUBLAS_STATUS_SUCCESS (the operation completed successfully)";
            case cublas_h.CUBLAS_STATUS_NOT_INITIALIZED ->
                    "CUBLAS_STATUS_NOT_INITIALIZED (no cuBLAS handle, or the CUDA runtime could not initialise)";
            case cublas_h.CUBLAS_STATUS_ALLOC_FAILED -> "CUBLAS_STATUS_ALLOC_FAILED (resource allocation failed)";
            case cublas_h.CUBLAS_STATUS_INVALID_VALUE ->
                    "CUBLAS_STATUS_INVALID_VALUE (an unsupported value or parameter was passed)";
            case cublas_h.CUBLAS_STATUS_ARCH_MISMATCH ->
                    "CUBLAS_STATUS_ARCH_MISMATCH (the device lacks a feature the function needs)";
            case cublas_h.CUBLAS_STATUS_MAPPING_ERROR ->
                    "CUBLAS_STATUS_MAPPING_ERROR (an access to GPU memory space failed)";
            case cublas_h.CUBLAS_STATUS_EXECUTION_FAILED ->
                    "CUBLAS_STATUS_EXECUTION_FAILED (the GPU program failed to execute)";
            case cublas_h.CUBLAS_STATUS_INTERNAL_ERROR ->
                    "CUBLAS_STATUS_INTERNAL_ERROR (an internal cuBLAS operation failed)";
            case cublas_h.CUBLAS_STATUS_NOT_SUPPORTED ->
                    "CUBLAS_STATUS_NOT_SUPPORTED (the requested functionality is not supported)";
            case cublas_h.CUBLAS_STATUS_LICENSE_ERROR ->
                    "CUBLAS_STATUS_LICENSE_ERROR (the requested functionality needs a license)";
            default -> "cublasStatus_t " + status + " (unknown)";
        };
    }

    /** The name and documented meaning of a {@code cufftResult}. */
    public static String describeCufft(int status) {
        return switch (status) {
            case cufft_h.CUFFT_SUCCESS -> "CUFFT_SUCCESS (the operation completed successfully)";
            case cufft_h.CUFFT_INVALID_PLAN -> "CUFFT_INVALID_PLAN (an invalid plan handle was passed)";
            case cufft_h.CUFFT_ALLOC_FAILED -> "CUFFT_ALLOC_FAILED (failed to allocate GPU or CPU memory)";
            case cufft_h.CUFFT_INVALID_TYPE -> "CUFFT_INVALID_TYPE (invalid transform type)";
            case cufft_h.CUFFT_INVALID_VALUE -> "CUFFT_INVALID_VALUE (an invalid pointer or parameter was passed)";
            case cufft_h.CUFFT_INTERNAL_ERROR -> "CUFFT_INTERNAL_ERROR (driver or internal cuFFT error)";
            case cufft_h.CUFFT_EXEC_FAILED -> "CUFFT_EXEC_FAILED (failed to execute an FFT on the GPU)";
            case cufft_h.CUFFT_SETUP_FAILED -> "CUFFT_SETUP_FAILED (the cuFFT library failed to initialise)";
            case cufft_h.CUFFT_INVALID_SIZE -> "CUFFT_INVALID_SIZE (an invalid transform size was passed)";
            case cufft_h.CUFFT_UNALIGNED_DATA -> "CUFFT_UNALIGNED_DATA (unaligned data)";
            case cufft_h.CUFFT_INCOMPLETE_PARAMETER_LIST ->
                    "CUFFT_INCOMPLETE_PARAMETER_LIST (missing parameters in the call)";
            case cufft_h.CUFFT_INVALID_DEVICE ->
                    "CUFFT_INVALID_DEVICE (the plan was executed on another GPU than it was made on)";
            case cufft_h.CUFFT_PARSE_ERROR -> "CUFFT_PARSE_ERROR (internal plan database error)";
            case cufft_h.CUFFT_NO_WORKSPACE ->
                    "CUFFT_NO_WORKSPACE (no work area was provided before the plan was executed)";
            case cufft_h.CUFFT_NOT_IMPLEMENTED ->
                    "CUFFT_NOT_IMPLEMENTED (not implemented for the parameters given)";
            case cufft_h.CUFFT_LICENSE_ERROR -> "CUFFT_LICENSE_ERROR (license error)";
            case cufft_h.CUFFT_NOT_SUPPORTED -> "CUFFT_NOT_SUPPORTED (not supported for the parameters given)";
            case cufft_h.CUFFT_MISSING_DEPENDENCY ->
                    "CUFFT_MISSING_DEPENDENCY (a library cuFFT needs at run time is missing)";
            case cufft_h.CUFFT_NVRTC_FAILURE -> "CUFFT_NVRTC_FAILURE (NVRTC failed inside cuFFT)";
            case cufft_h.CUFFT_NVJITLINK_FAILURE -> "CUFFT_NVJITLINK_FAILURE (nvJitLink failed inside cuFFT)";
            case cufft_h.CUFFT_NVSHMEM_FAILURE -> "CUFFT_NVSHMEM_FAILURE (NVSHMEM failed inside cuFFT)";
            default -> "cufftResult " + status + " (unknown)";
        };
    }

    /** Reads the NUL-terminated string at a pointer a library returned (static, short). */
    private static String cString(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) {
            return "(null)";
        }
        return pointer.reinterpret(4096).getString(0);
    }
}
