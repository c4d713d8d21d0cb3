package org.echorec.bindings.cublas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.echorec.bindings.HeaderFunctions;
import org.echorec.bindings.cuda.CudaCheck;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** cuBLAS without a GPU: every symbol binds, and the library reports its version. Skipped without libcublas. */
class CublasTest {
    @BeforeEach
    void needsCublas() {
        assumeTrue(cublas_h.LIBRARY.isAvailable(), () -> "skipped: " + cublas_h.LIBRARY.unavailableReason());
    }

    @Test
    void everyFunctionBindsUnderItsOwnName() throws ReflectiveOperationException {
        assertEquals(List.of("cublasCreate_v2", "cublasDestroy_v2", "cublasGemmEx", "cublasGetProperty",
                        "cublasGetVersion_v2", "cublasSetMathMode", "cublasSetStream_v2", "cublasSgemmStridedBatched",
                        "cublasSgemm_v2"),
                HeaderFunctions.bindAll(cublas_h.class, cublas_h.LIBRARY.symbols()));
    }

    @Test
    void theMajorVersionIsTheSonames() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(cublas_h.C_INT);
            CudaCheck.cublas(cublas_h.cublasGetProperty(cublas_h.MAJOR_VERSION, value), "cublasGetProperty");
            int major = value.get(cublas_h.C_INT, 0);
            assertTrue(major >= 11, "cuBLAS " + major);
            String origin = cublas_h.LIBRARY.origin();
            assertTrue(origin.contains("libcublas.so." + major) || origin.contains("libcublas.so "),
                    "cuBLAS " + major + " loaded from " + origin);
        }
    }
}
