package org.echorec.bindings.nvrtc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.echorec.bindings.HeaderFunctions;
import org.echorec.bindings.NativeException;
import org.echorec.bindings.cuda.CudaCheck;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** NVRTC through the binding: no GPU needed. Skipped, with the reason, without libnvrtc. */
class NvrtcTest {
    static final String ADD_ONE = """
            extern "C" __global__ void add_one(float *x, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) x[i] += 1.0f;
            }
            """;

    @BeforeEach
    void needsNvrtc() {
        assumeTrue(nvrtc_h.LIBRARY.isAvailable(), () -> "skipped: " + nvrtc_h.LIBRARY.unavailableReason());
    }

    @Test
    void everyFunctionBindsUnderItsOwnName() throws ReflectiveOperationException {
        assertEquals(List.of("nvrtcCompileProgram", "nvrtcCreateProgram", "nvrtcDestroyProgram", "nvrtcGetCUBIN",
                        "nvrtcGetCUBINSize", "nvrtcGetErrorString", "nvrtcGetNumSupportedArchs", "nvrtcGetPTX",
                        "nvrtcGetPTXSize", "nvrtcGetProgramLog", "nvrtcGetProgramLogSize", "nvrtcGetSupportedArchs",
                        "nvrtcVersion"),
                HeaderFunctions.bindAll(nvrtc_h.class, nvrtc_h.LIBRARY.symbols()));
    }

    @Test
    void theVersionAndArchitecturesAreThoseOfACuda11_2OrLaterCompiler() {
        int[] version = NvrtcPrograms.version();
        assertTrue(version[0] > 11 || (version[0] == 11 && version[1] >= 2), Arrays.toString(version));
        int[] archs = NvrtcPrograms.supportedArchitectures();
        int[] sorted = archs.clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, archs, "ascending");
        assertTrue(Arrays.stream(archs).anyMatch(a -> a == 90), "sm_90 (Hopper) from NVRTC 11.8 on: " + Arrays.toString(archs));
    }

    @Test
    void aKernelCompilesToPtxForHopper() {
        NvrtcPrograms.Compiled c = NvrtcPrograms.compile("add_one.cu", ADD_ONE, "--gpu-architecture=compute_90");
        assertEquals(nvrtc_h.NVRTC_SUCCESS, c.status(), c.log());
        assertTrue(c.ptx().contains(".visible .entry add_one("), c.ptx());
        assertTrue(c.ptx().contains(".target sm_90"), c.ptx());
    }

    @Test
    void aRealArchitectureGivesACubin() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment program = arena.allocate(nvrtc_h.C_POINTER);
            CudaCheck.nvrtc(nvrtc_h.nvrtcCreateProgram(program, arena.allocateFrom(ADD_ONE),
                    arena.allocateFrom("add_one.cu"), 0, MemorySegment.NULL, MemorySegment.NULL), "nvrtcCreateProgram");
            MemorySegment prog = program.get(nvrtc_h.C_POINTER, 0);
            MemorySegment options = arena.allocate(nvrtc_h.C_POINTER, 1);
            options.setAtIndex(nvrtc_h.C_POINTER, 0, arena.allocateFrom("--gpu-architecture=sm_90"));
            CudaCheck.nvrtc(nvrtc_h.nvrtcCompileProgram(prog, 1, options), "nvrtcCompileProgram");
            MemorySegment size = arena.allocate(nvrtc_h.C_LONG);
            CudaCheck.nvrtc(nvrtc_h.nvrtcGetCUBINSize(prog, size), "nvrtcGetCUBINSize");
            MemorySegment cubin = arena.allocate(size.get(nvrtc_h.C_LONG, 0));
            CudaCheck.nvrtc(nvrtc_h.nvrtcGetCUBIN(prog, cubin), "nvrtcGetCUBIN");
            assertEquals("\u007fELF", new String(cubin.asSlice(0, 4).toArray(ValueLayout.JAVA_BYTE),
                    StandardCharsets.ISO_8859_1), "a cubin is an ELF file");
            CudaCheck.nvrtc(nvrtc_h.nvrtcDestroyProgram(program), "nvrtcDestroyProgram");
            assertEquals(MemorySegment.NULL, program.get(nvrtc_h.C_POINTER, 0), "destroy clears the handle");
        }
    }

    @Test
    void aBrokenKernelFailsWithTheLineInTheLog() {
        String broken = """
                extern "C" __global__ void broken(float *x) {
                    int i = threadIdx.x;
                    x[i] = undeclared_value;
                }
                """;
        NvrtcPrograms.Compiled c = NvrtcPrograms.compile("broken.cu", broken, "--gpu-architecture=compute_90");
        assertEquals(nvrtc_h.NVRTC_ERROR_COMPILATION, c.status(), c.log());
        assertTrue(c.log().contains("broken.cu(3)"), c.log());
        assertTrue(c.log().contains("undeclared_value"), c.log());
        NativeException e = assertThrows(NativeException.class, () -> CudaCheck.nvrtc(c.status(), "nvrtcCompileProgram"));
        assertEquals("nvrtcCompileProgram failed: NVRTC_ERROR_COMPILATION (6)", e.getMessage());
    }

    @Test
    void anUnknownOptionIsRejected() {
        NvrtcPrograms.Compiled c = NvrtcPrograms.compile("add_one.cu", ADD_ONE, "--no-such-option");
        assertEquals(nvrtc_h.NVRTC_ERROR_INVALID_OPTION, c.status(), c.log());
    }
}
