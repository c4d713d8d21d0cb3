package org.echorec.bindings.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;
import org.echorec.bindings.NativeException;
import org.echorec.bindings.cublas.cublas_h;
import org.echorec.bindings.cufft.cufft_h;
import org.echorec.bindings.nvrtc.nvrtc_h;
import org.junit.jupiter.api.Test;

/** The messages the four checkers give; NVRTC's and the driver's come from the libraries themselves. */
class CudaCheckTest {
    @Test
    void successPassesWithoutLookingAnythingUp() {
        CudaCheck.cu(cuda_h.CUDA_SUCCESS, "cuInit");
        CudaCheck.nvrtc(nvrtc_h.NVRTC_SUCCESS, "nvrtcCompileProgram");
        CudaCheck.cublas(cublas_h.CUBLAS_STATUS_SUCCESS, "cublasSgemm_v2");
        CudaCheck.cufft(cufft_h.CUFFT_SUCCESS, "cufftExecR2C");
    }

    @Test
    void aCublasFailureNamesTheCallTheStatusAndItsMeaning() {
        NativeException e = assertThrows(NativeException.class, () -> CudaCheck.cublas(13, "cublasSgemm_v2"));
        assertEquals("cublasSgemm_v2 failed: CUBLAS_STATUS_EXECUTION_FAILED (the GPU program failed to execute) (13)",
                e.getMessage());
        assertEquals("cublasSgemm_v2", e.call());
        assertEquals(13, e.status());
        assertEquals("cublasStatus_t 12 (unknown)", CudaCheck.describeCublas(12));
    }

    @Test
    void aCufftFailureNamesTheCallTheResultAndItsMeaning() {
        NativeException e = assertThrows(NativeException.class, () -> CudaCheck.cufft(8, "cufftPlanMany"));
        assertEquals("cufftPlanMany failed: CUFFT_INVALID_SIZE (an invalid transform size was passed) (8)", e.getMessage());
        assertEquals("CUFFT_NO_WORKSPACE (no work area was provided before the plan was executed)",
                CudaCheck.describeCufft(13));
        assertEquals("cufftResult 99 (unknown)", CudaCheck.describeCufft(99));
    }

    @Test
    void everyCublasStatusConstantHasItsOwnEntry() throws IllegalAccessException {
        int checked = 0;
        for (Field f : statusFields(cublas_h.class, "CUBLAS_STATUS_")) {
            assertTrue(CudaCheck.describeCublas(f.getInt(null)).startsWith(f.getName() + " ("), f.getName());
            checked++;
        }
        assertEquals(10, checked, "cublasStatus_t constants");
    }

    @Test
    void everyCufftResultConstantHasItsOwnEntry() throws IllegalAccessException {
        Set<String> notResults = Set.of("CUFFT_R2C", "CUFFT_C2R", "CUFFT_C2C", "CUFFT_FORWARD", "CUFFT_INVERSE");
        Set<Integer> codes = new HashSet<>();
        for (Field f : statusFields(cufft_h.class, "CUFFT_")) {
            if (notResults.contains(f.getName())) {
                continue;
            }
            assertTrue(CudaCheck.describeCufft(f.getInt(null)).startsWith(f.getName() + " ("), f.getName());
            assertTrue(codes.add(f.getInt(null)), "two constants share " + f.getInt(null));
        }
        assertEquals(21, codes.size(), "cufftResult constants, 0 to 20");
    }

    @Test
    void nvrtcNamesItsOwnCodes() {
        assumeTrue(nvrtc_h.LIBRARY.isAvailable(), () -> "skipped: " + nvrtc_h.LIBRARY.unavailableReason());
        NativeException e = assertThrows(NativeException.class,
                () -> CudaCheck.nvrtc(nvrtc_h.NVRTC_ERROR_COMPILATION, "nvrtcCompileProgram"));
        assertEquals("nvrtcCompileProgram failed: NVRTC_ERROR_COMPILATION (6)", e.getMessage());
        assertEquals("NVRTC_ERROR_INVALID_OPTION", CudaCheck.describeNvrtc(nvrtc_h.NVRTC_ERROR_INVALID_OPTION));
    }

    @Test
    void theDriverNamesAndDescribesItsOwnCodes() {
        assumeTrue(cuda_h.LIBRARY.isAvailable(), () -> "skipped: " + cuda_h.LIBRARY.unavailableReason());
        NativeException e = assertThrows(NativeException.class,
                () -> CudaCheck.cu(cuda_h.CUDA_ERROR_OUT_OF_MEMORY, "cuMemAlloc_v2"));
        assertEquals("cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (out of memory) (2)", e.getMessage());
        assertTrue(CudaCheck.describeCu(cuda_h.CUDA_ERROR_NO_DEVICE).startsWith("CUDA_ERROR_NO_DEVICE ("),
                CudaCheck.describeCu(cuda_h.CUDA_ERROR_NO_DEVICE));
        assertEquals("CUresult 123456 (unknown to this driver)", CudaCheck.describeCu(123456));
    }

    private static Iterable<Field> statusFields(Class<?> header, String prefix) {
        Set<Field> fields = new HashSet<>();
        for (Field f : header.getDeclaredFields()) {
            if (f.getName().startsWith(prefix) && f.getType() == int.class && Modifier.isStatic(f.getModifiers())) {
                fields.add(f);
            }
        }
        return fields;
    }
}
