package org.echorec.runtime.testing;

import java.util.ArrayList;
import java.util.List;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.backend.cpu.CpuKernels;
import org.junit.jupiter.api.Named;

/**
 * The CPU kernel sets a kernel test runs against: the plain-Java kernels always, and the Vector API
 * kernels at this JVM's forced width when they load. Surefire runs the kernel tests once per width
 * (128, 256, 512 bits), so every code path is checked on every machine.
 */
public final class Backends {
    private static final CpuBackend PLAIN = CpuBackend.withKernels(CpuKernels.plain());

    private Backends() {}

    /** For {@code @MethodSource}: each CPU implementation, named for the test report. */
    public static List<Named<Backend>> cpuKernels() {
        List<Named<Backend>> list = new ArrayList<>();
        list.add(Named.of("plain", PLAIN));
        CpuBackend best = CpuBackend.get();
        if (CpuKernels.isSimd(best.kernels())) {
            list.add(Named.of(best.describe(), best));
        }
        return list;
    }

    /** The default CPU backend (SIMD where available). */
    public static CpuBackend cpu() {
        return CpuBackend.get();
    }

    /** SIMD lane count of the active species, or 16 when SIMD is off: drives the awkward test sizes. */
    public static int lanes() {
        String bits = System.getProperty("echorec.simd.bits");
        if (bits != null && !bits.isBlank()) {
            return Integer.parseInt(bits.trim()) / 32;
        }
        return 16;
    }

    /** Sizes that hit every loop tail: 1, lanes−1, lanes, lanes+1, 2·lanes+3 and a large odd size. */
    public static int[] awkwardSizes() {
        int l = lanes();
        return new int[] {1, l - 1, l, l + 1, 2 * l + 3, 1001};
    }
}
