package org.echorec.bindings.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/** Without libcuda: the binding loads, says in one sentence why the driver is off, and fails only when called. */
class CudaDriverAbsentTest {
    @Test
    void theReasonNamesWhatWasSearchedAndACallThrowsIt() {
        assumeFalse(cuda_h.LIBRARY.isAvailable(),
                () -> "skipped: libcuda is installed here (" + cuda_h.LIBRARY.origin() + "), so it cannot be absent");
        String reason = cuda_h.LIBRARY.unavailableReason();
        assertTrue(reason.startsWith("CUDA driver not found: tried libcuda.so.1, libcuda.so through the dynamic loader"),
                reason);
        assertTrue(reason.contains("/usr/local/cuda/lib64"), reason);
        assertTrue(reason.contains("-Dechorec.lib.cuda or ECHOREC_LIB_CUDA"), reason);
        assertEquals(1, reason.split("\\. ").length, "one sentence: " + reason);
        try (Arena arena = Arena.ofConfined()) {
            UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class,
                    () -> cuda_h.cuDriverGetVersion(arena.allocate(cuda_h.C_INT)));
            assertEquals(reason, e.getMessage());
        }
    }

    @Test
    void aCodeIsStillReportedByNumberWithoutTheDriver() {
        assumeFalse(cuda_h.LIBRARY.isAvailable(), "skipped: libcuda is installed here; CudaDriverGpuTest checks its names");
        assertEquals("CUresult 2 (the CUDA driver is not loaded to name it)", CudaCheck.describeCu(2));
    }
}
