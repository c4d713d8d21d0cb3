package org.echorec.runtime.backend.cuda;

import static org.echorec.bindings.nvrtc.nvrtc_h.C_INT;
import static org.echorec.bindings.nvrtc.nvrtc_h.C_LONG;
import static org.echorec.bindings.nvrtc.nvrtc_h.C_POINTER;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.echorec.bindings.cuda.CudaCheck;
import org.echorec.bindings.nvrtc.nvrtc_h;

/**
 * CUDA C sources of the runtime's resources turned into PTX by NVRTC, at run time, for the device at
 * hand: no native build step, and one jar for every GPU.
 *
 * <p>Note: which architecture. The kernels are compiled to PTX for {@code compute_XY} of the device, or,
 * where this NVRTC is older than the device, for the newest architecture it knows; the driver turns the
 * PTX into machine code when the module is loaded (and caches it on disk). PTX newer than the driver
 * fails to load with {@code CUDA_ERROR_UNSUPPORTED_PTX_VERSION}: NVRTC must not be newer than the driver,
 * which the load error then says. No {@code --use_fast_math}: the kernels are checked against the CPU
 * backend to 1e-4 and use the accurate {@code expf}, {@code logf} and division.
 */
final class KernelCompiler {
    private KernelCompiler() {}

    /** The CUDA source of a resource, e.g. {@code org/echorec/runtime/op/unary/unary.cu}. */
    static String source(String resource) {
        try (InputStream in = KernelCompiler.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("kernel source " + resource + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading kernel source " + resource, e);
        }
    }

    /** NVRTC's version as {@code major * 1000 + minor * 10}, the driver's convention (11080 for 11.8). */
    static int nvrtcVersion() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment major = arena.allocate(C_INT);
            MemorySegment minor = arena.allocate(C_INT);
            CudaCheck.nvrtc(nvrtc_h.nvrtcVersion(major, minor), "nvrtcVersion");
            return major.get(C_INT, 0) * 1000 + minor.get(C_INT, 0) * 10;
        }
    }

    /** The architecture to compile for: the device's if NVRTC knows it, else the newest NVRTC knows below it. */
    static int architectureFor(int computeCapability) {
        int best = -1;
        for (int arch : supportedArchitectures()) {
            if (arch <= computeCapability) {
                best = Math.max(best, arch);
            }
        }
        if (best < 0) {
            throw new IllegalStateException("NVRTC " + nvrtcVersion() + " cannot compile for compute capability "
                    + computeCapability / 10 + "." + computeCapability % 10);
        }
        return best;
    }

    private static List<Integer> supportedArchitectures() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(C_INT);
            CudaCheck.nvrtc(nvrtc_h.nvrtcGetNumSupportedArchs(count), "nvrtcGetNumSupportedArchs");
            int n = count.get(C_INT, 0);
            MemorySegment archs = arena.allocate(C_INT, Math.max(1, n));
            CudaCheck.nvrtc(nvrtc_h.nvrtcGetSupportedArchs(archs), "nvrtcGetSupportedArchs");
            return java.util.Arrays.stream(archs.toArray(C_INT)).limit(n).boxed().toList();
        }
    }

    /**
     * PTX of {@code source} for {@code compute_<architecture>}; a compile error throws with NVRTC's log, which
     * names the file ({@code name}) and line.
     */
    static String ptx(String name, String source, int architecture) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment program = arena.allocate(C_POINTER);
            CudaCheck.nvrtc(nvrtc_h.nvrtcCreateProgram(program, arena.allocateFrom(source), arena.allocateFrom(name),
                    0, MemorySegment.NULL, MemorySegment.NULL), "nvrtcCreateProgram");
            MemorySegment prog = program.get(C_POINTER, 0);
            try {
                String[] options = {"--gpu-architecture=compute_" + architecture, "--std=c++17"};
                MemorySegment optionArray = arena.allocate(C_POINTER, options.length);
                for (int i = 0; i < options.length; i++) {
                    optionArray.setAtIndex(C_POINTER, i, arena.allocateFrom(options[i]));
                }
                int status = nvrtc_h.nvrtcCompileProgram(prog, options.length, optionArray);
                if (status != nvrtc_h.NVRTC_SUCCESS) {
                    throw new IllegalStateException("NVRTC could not compile " + name + " for compute_" + architecture
                            + ": " + CudaCheck.describeNvrtc(status) + "\n" + text(arena, prog, true));
                }
                return text(arena, prog, false);
            } finally {
                CudaCheck.nvrtc(nvrtc_h.nvrtcDestroyProgram(program), "nvrtcDestroyProgram");
            }
        }
    }

    /** The program log or the PTX: each comes as a size that counts the final NUL, then the text. */
    private static String text(Arena arena, MemorySegment prog, boolean log) {
        MemorySegment size = arena.allocate(C_LONG);
        CudaCheck.nvrtc(log ? nvrtc_h.nvrtcGetProgramLogSize(prog, size) : nvrtc_h.nvrtcGetPTXSize(prog, size),
                log ? "nvrtcGetProgramLogSize" : "nvrtcGetPTXSize");
        MemorySegment text = arena.allocate(Math.max(1, size.get(C_LONG, 0)));
        CudaCheck.nvrtc(log ? nvrtc_h.nvrtcGetProgramLog(prog, text) : nvrtc_h.nvrtcGetPTX(prog, text),
                log ? "nvrtcGetProgramLog" : "nvrtcGetPTX");
        return text.getString(0);
    }
}
