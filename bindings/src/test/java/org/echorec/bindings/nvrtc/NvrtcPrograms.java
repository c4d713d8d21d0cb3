package org.echorec.bindings.nvrtc;

import static org.echorec.bindings.nvrtc.nvrtc_h.C_INT;
import static org.echorec.bindings.nvrtc.nvrtc_h.C_LONG;
import static org.echorec.bindings.nvrtc.nvrtc_h.C_POINTER;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.echorec.bindings.cuda.CudaCheck;

/** Compiling a CUDA C++ source through the raw binding, as the runtime will: create, compile, read, destroy. */
public final class NvrtcPrograms {
    private NvrtcPrograms() {}

    /** What a compilation gave: the status of nvrtcCompileProgram, the log, and the PTX (empty on failure). */
    public record Compiled(int status, String log, String ptx) {}

    public static Compiled compile(String name, String source, String... options) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment program = arena.allocate(C_POINTER);
            CudaCheck.nvrtc(nvrtc_h.nvrtcCreateProgram(program, arena.allocateFrom(source), arena.allocateFrom(name),
                    0, MemorySegment.NULL, MemorySegment.NULL), "nvrtcCreateProgram");
            MemorySegment prog = program.get(C_POINTER, 0);
            try {
                MemorySegment optionArray = arena.allocate(C_POINTER, Math.max(1, options.length));
                for (int i = 0; i < options.length; i++) {
                    optionArray.setAtIndex(C_POINTER, i, arena.allocateFrom(options[i]));
                }
                int status = nvrtc_h.nvrtcCompileProgram(prog, options.length, optionArray);
                String log = read(arena, prog, true);
                String ptx = status == nvrtc_h.NVRTC_SUCCESS ? read(arena, prog, false) : "";
                return new Compiled(status, log, ptx);
            } finally {
                CudaCheck.nvrtc(nvrtc_h.nvrtcDestroyProgram(program), "nvrtcDestroyProgram");
            }
        }
    }

    /** The program log or the PTX: both come as a size including the NUL, then the text. */
    private static String read(Arena arena, MemorySegment prog, boolean log) {
        MemorySegment size = arena.allocate(C_LONG);
        CudaCheck.nvrtc(log ? nvrtc_h.nvrtcGetProgramLogSize(prog, size) : nvrtc_h.nvrtcGetPTXSize(prog, size),
                log ? "nvrtcGetProgramLogSize" : "nvrtcGetPTXSize");
        MemorySegment text = arena.allocate(Math.max(1, size.get(C_LONG, 0)));
        CudaCheck.nvrtc(log ? nvrtc_h.nvrtcGetProgramLog(prog, text) : nvrtc_h.nvrtcGetPTX(prog, text),
                log ? "nvrtcGetProgramLog" : "nvrtcGetPTX");
        return text.getString(0);
    }

    /** NVRTC's version as {@code {major, minor}}. */
    public static int[] version() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment major = arena.allocate(C_INT);
            MemorySegment minor = arena.allocate(C_INT);
            CudaCheck.nvrtc(nvrtc_h.nvrtcVersion(major, minor), "nvrtcVersion");
            return new int[] {major.get(C_INT, 0), minor.get(C_INT, 0)};
        }
    }

    /** The real architectures NVRTC compiles for, ascending ({@code 90} for {@code sm_90}). */
    public static int[] supportedArchitectures() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(C_INT);
            CudaCheck.nvrtc(nvrtc_h.nvrtcGetNumSupportedArchs(count), "nvrtcGetNumSupportedArchs");
            MemorySegment archs = arena.allocate(C_INT, Math.max(1, count.get(C_INT, 0)));
            CudaCheck.nvrtc(nvrtc_h.nvrtcGetSupportedArchs(archs), "nvrtcGetSupportedArchs");
            int[] all = archs.toArray(C_INT);
            return Arrays.copyOf(all, count.get(C_INT, 0));
        }
    }
}
