package org.echorec.runtime.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Runs in each forced-width JVM: proves the kernel tests there really ran the SIMD kernels at that width. */
@Tag("kernel")
class CpuKernelsTest {

    @Test
    void forcedWidthIsTheOneInUse() {
        String bits = System.getProperty("echorec.simd.bits");
        CpuBackend cpu = CpuBackend.get();
        assertTrue(CpuKernels.isSimd(cpu.kernels()), "expected the Vector API kernels: " + cpu.describe());
        if (bits != null) {
            assertTrue(cpu.describe().contains(bits + "-bit"), cpu.describe());
        }
    }

    @Test
    void plainKernelsAreNotSimd() {
        assertEquals(false, CpuKernels.isSimd(CpuKernels.plain()));
        assertTrue(CpuBackend.withKernels(CpuKernels.plain()).describe().contains("plain Java"));
    }
}
