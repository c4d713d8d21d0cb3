package org.echorec.runtime.backend.cuda;

import static org.echorec.bindings.cuda.cuda_h.C_POINTER;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;
import org.echorec.bindings.cuda.CudaCheck;
import org.echorec.bindings.cuda.cuda_h;

/**
 * The runtime's CUDA kernels on one device: each family's {@code .cu} resource
 * ({@code org/echorec/runtime/op/<family>/<family>.cu}) compiled by NVRTC and loaded as a module the first
 * time one of its kernels is launched, once per process; and the launch itself.
 *
 * <p>Kernel arguments are passed as Java values in the order of the kernel's parameter list: a
 * {@code Long} for a device pointer, a {@code long long} or a {@code size_t}, an {@code Integer} for an
 * {@code int}, a {@code Float} for a {@code float}, a {@code MemorySegment} holding the bytes of a struct
 * passed by value. Each is written to native memory and the launch gets
 * the array of their addresses, as {@code cuLaunchKernel} wants.
 */
public final class Kernels {
    private final CudaDevice device;
    private final int architecture;
    private final Map<String, MemorySegment> modules = new HashMap<>();
    private final Map<String, MemorySegment> functions = new HashMap<>();
    private final Map<String, Integer> sharedLimits = new HashMap<>();

    Kernels(CudaDevice device) {
        this.device = device;
        this.architecture = KernelCompiler.architectureFor(device.computeCapability());
    }

    int architecture() {
        return architecture;
    }

    /** The resource path of a family's kernels. */
    static String resource(String family) {
        return "org/echorec/runtime/op/" + family + "/" + family + ".cu";
    }

    private synchronized MemorySegment function(String family, String kernel) {
        String key = family + "/" + kernel;
        MemorySegment f = functions.get(key);
        if (f != null) {
            return f;
        }
        MemorySegment module = modules.computeIfAbsent(family, this::load);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(C_POINTER);
            CudaCheck.cu(cuda_h.cuModuleGetFunction(out, module, arena.allocateFrom(kernel)),
                    "cuModuleGetFunction(" + kernel + ")");
            f = out.get(C_POINTER, 0);
        }
        functions.put(key, f);
        return f;
    }

    private MemorySegment load(String family) {
        String resource = resource(family);
        String ptx = KernelCompiler.ptx(family + ".cu", KernelCompiler.source(resource), architecture);
        device.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(C_POINTER);
            int status = cuda_h.cuModuleLoadData(out, arena.allocateFrom(ptx));
            if (status == cuda_h.CUDA_ERROR_UNSUPPORTED_PTX_VERSION) {
                throw new IllegalStateException("the CUDA driver (" + device.driverVersion() + ") is older than NVRTC ("
                        + KernelCompiler.nvrtcVersion() + ") and cannot load its PTX for " + resource
                        + "; use an NVRTC no newer than the driver (-Dechorec.lib.nvrtc=FILE)");
            }
            CudaCheck.cu(status, "cuModuleLoadData(" + resource + ")");
            return out.get(C_POINTER, 0);
        }
    }

    /**
     * Queues {@code kernel} of {@code family} on the device's stream with a {@code grid} of blocks of
     * {@code block} threads (x dimension; y and z of the grid in {@code gridY}, {@code gridZ}) and
     * {@code sharedBytes} of dynamic shared memory.
     */
    public void launch(String family, String kernel, long gridX, int gridY, int gridZ, int block, int sharedBytes,
                Object... args) {
        launch(family, kernel, gridX, gridY, gridZ, block, 1, 1, sharedBytes, args);
    }

    /**
     * {@link #launch(String, String, long, int, int, int, int, Object...)} with a 2-D or 3-D block
     * ({@code blockX × blockY × blockZ} threads), for the (32, 8) column and tile kernels. A launch that
     * asks for more than 48 KiB of dynamic shared memory first raises the function's limit
     * ({@code CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES}); without that the driver refuses it.
     */
    public void launch(String family, String kernel, long gridX, int gridY, int gridZ, int blockX, int blockY,
                       int blockZ, int sharedBytes, Object... args) {
        if (gridX <= 0 || gridY <= 0 || gridZ <= 0) {
            return; // nothing to do for empty tensors; a zero grid is an error for the driver
        }
        if (gridX > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(kernel + ": grid of " + gridX + " blocks exceeds the x limit");
        }
        if (gridY > 65535 || gridZ > 65535) {
            throw new IllegalArgumentException(kernel + ": grid y " + gridY + " or z " + gridZ + " exceeds 65535");
        }
        device.makeCurrent();
        MemorySegment f = function(family, kernel);
        if (sharedBytes > DEFAULT_DYNAMIC_SHARED) {
            raiseSharedLimit(f, family + "/" + kernel, sharedBytes);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(C_POINTER, Math.max(1, args.length));
            for (int i = 0; i < args.length; i++) {
                params.setAtIndex(C_POINTER, i, value(arena, args[i], kernel, i));
            }
            CudaCheck.cu(cuda_h.cuLaunchKernel(f, (int) gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes,
                    device.stream(), params, MemorySegment.NULL), "cuLaunchKernel(" + kernel + ")");
        }
    }

    /** Dynamic shared memory every kernel may use without opting in. */
    private static final int DEFAULT_DYNAMIC_SHARED = 48 * 1024;

    private synchronized void raiseSharedLimit(MemorySegment f, String kernel, int sharedBytes) {
        Integer raised = sharedLimits.get(kernel);
        if (raised == null || raised < sharedBytes) {
            CudaCheck.cu(cuda_h.cuFuncSetAttribute(f, cuda_h.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                    sharedBytes), "cuFuncSetAttribute(" + kernel + ", MAX_DYNAMIC_SHARED_SIZE_BYTES, " + sharedBytes + ")");
            sharedLimits.put(kernel, sharedBytes);
        }
    }

    private static MemorySegment value(Arena arena, Object arg, String kernel, int index) {
        return switch (arg) {
            case Long v -> arena.allocateFrom(ValueLayout.JAVA_LONG, v);
            case Integer v -> arena.allocateFrom(ValueLayout.JAVA_INT, v);
            case Float v -> arena.allocateFrom(ValueLayout.JAVA_FLOAT, v);
            case MemorySegment struct -> arena.allocate(struct.byteSize(), 16).copyFrom(struct);
            case null, default -> throw new IllegalArgumentException(kernel + ": argument " + index
                    + " must be a Long, Integer, Float or MemorySegment, got " + (arg == null ? "null" : arg.getClass().getSimpleName()));
        };
    }
}
