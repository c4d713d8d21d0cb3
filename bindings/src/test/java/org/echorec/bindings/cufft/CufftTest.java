package org.echorec.bindings.cufft;

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

/** cuFFT without a GPU: every symbol binds, and the library reports its version. Skipped without libcufft. */
class CufftTest {
    @BeforeEach
    void needsCufft() {
        assumeTrue(cufft_h.LIBRARY.isAvailable(), () -> "skipped: " + cufft_h.LIBRARY.unavailableReason());
    }

    @Test
    void everyFunctionBindsUnderItsOwnName() throws ReflectiveOperationException {
        assertEquals(List.of("cufftCreate", "cufftDestroy", "cufftExecC2R", "cufftExecR2C", "cufftGetVersion",
                        "cufftMakePlanMany", "cufftPlanMany", "cufftSetAutoAllocation", "cufftSetStream",
                        "cufftSetWorkArea"),
                HeaderFunctions.bindAll(cufft_h.class, cufft_h.LIBRARY.symbols()));
    }

    @Test
    void theVersionsMajorIsTheSonames() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment version = arena.allocate(cufft_h.C_INT);
            CudaCheck.cufft(cufft_h.cufftGetVersion(version), "cufftGetVersion");
            int major = version.get(cufft_h.C_INT, 0) / 1000;
            assertTrue(major >= 10, "cuFFT version " + version.get(cufft_h.C_INT, 0));
            String origin = cufft_h.LIBRARY.origin();
            assertTrue(origin.contains("libcufft.so." + major) || origin.contains("libcufft.so "),
                    "cuFFT " + major + " loaded from " + origin);
        }
    }
}
