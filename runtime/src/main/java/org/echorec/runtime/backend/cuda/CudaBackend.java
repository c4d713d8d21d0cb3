package org.echorec.runtime.backend.cuda;

import static org.echorec.bindings.cuda.cuda_h.C_POINTER;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.echorec.bindings.cublas.cublas_h;
import org.echorec.bindings.cuda.CudaCheck;
import org.echorec.bindings.cuda.cuda_h;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.MemoryStats;
import org.echorec.runtime.op.CheckedOps;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.tensor.Storage;
import org.echorec.runtime.tensor.Tensor;

/**
 * An NVIDIA GPU through the CUDA driver, cuBLAS, cuFFT and NVRTC, all called through the Foreign Function
 * and Memory API (module {@code bindings}): device memory from a caching allocator, every kernel, copy
 * and library call queued on one stream ({@link CudaDevice}: "Note: one stream"), kernels compiled from
 * the runtime's {@code .cu} resources at first use ({@link Kernels}).
 *
 * <p>TF32 tensor-core GEMMs are off unless {@code -Dechorec.cuda.tf32=true}: FP32 GEMMs keep the results
 * comparable with the CPU backend to 1e-4.
 */
public final class CudaBackend implements Backend {
    private static volatile CudaBackend instance;
    private static String unavailableReason;

    private final CudaDevice device;
    private final CachingDeviceAllocator allocator;
    private final PinnedStaging staging;
    private final Kernels kernels;
    private final Ops ops;
    private final boolean tf32;
    private MemorySegment cublas;

    private CudaBackend(CudaDevice device) {
        this.device = device;
        this.allocator = new CachingDeviceAllocator(device);
        this.staging = new PinnedStaging(device);
        this.kernels = new Kernels(device);
        this.tf32 = Boolean.getBoolean("echorec.cuda.tf32");
        this.ops = new CheckedOps(this, new CudaOps(this));
    }

    /**
     * The process-wide backend on device {@code echorec.cuda.device} (default 0), or an
     * {@link IllegalStateException} with one sentence saying why this machine has none.
     */
    public static CudaBackend get() {
        CudaBackend b = instance;
        if (b != null) {
            return b;
        }
        synchronized (CudaBackend.class) {
            if (instance == null) {
                if (unavailableReason != null) {
                    throw new IllegalStateException(unavailableReason);
                }
                try {
                    instance = new CudaBackend(CudaDevice.open(Integer.getInteger("echorec.cuda.device", 0)));
                } catch (IllegalStateException | UnsatisfiedLinkError e) {
                    unavailableReason = "CUDA is not available: " + e.getMessage();
                    throw new IllegalStateException(unavailableReason, e);
                }
            }
            return instance;
        }
    }

    /** Null when {@link #get} works on this machine, else the sentence it throws. */
    public static String unavailableReason() {
        try {
            get();
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String describe() {
        int arch = kernels.architecture();
        return "cuda: " + device.name() + " (device " + device.ordinal() + ", compute " + device.computeCapability() / 10
                + "." + device.computeCapability() % 10 + ", " + CachingDeviceAllocator.human(device.totalBytes())
                + "), driver " + version(device.driverVersion()) + ", kernels by NVRTC " + version(KernelCompiler.nvrtcVersion())
                + " for compute_" + arch + (tf32 ? ", TF32 GEMMs" : ", FP32 GEMMs");
    }

    private static String version(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }

    @Override
    public Ops ops() {
        return ops;
    }

    /** The kernels of the runtime's {@code .cu} resources on this device. */
    public Kernels kernels() {
        return kernels;
    }

    /** The stream everything is queued on ({@code CUstream}). */
    public MemorySegment stream() {
        return device.stream();
    }

    /** The cuBLAS handle, created on first use and bound to the backend's stream. */
    public synchronized MemorySegment cublas() {
        if (cublas == null) {
            device.makeCurrent();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(C_POINTER);
                CudaCheck.cublas(cublas_h.cublasCreate_v2(out), "cublasCreate_v2");
                MemorySegment handle = out.get(C_POINTER, 0);
                CudaCheck.cublas(cublas_h.cublasSetStream_v2(handle, device.stream()), "cublasSetStream_v2");
                CudaCheck.cublas(cublas_h.cublasSetMathMode(handle,
                        tf32 ? cublas_h.CUBLAS_TF32_TENSOR_OP_MATH : cublas_h.CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
                cublas = handle;
            }
        }
        device.makeCurrent();
        return cublas;
    }

    @Override
    public Storage allocate(long bytes) {
        return new CudaStorage(this, allocator, bytes);
    }

    @Override
    public void copyFromHost(MemorySegment src, Tensor dst) {
        long bytes = dst.numel() * dst.dtype().bytes();
        if (bytes == 0) {
            return;
        }
        long address = Cuda.data(dst);
        synchronized (staging) {
            MemorySegment pinned = staging.buffer(bytes);
            // the previous upload may still be reading the staging buffer
            device.synchronize();
            MemorySegment.copy(src, 0, pinned, 0, bytes);
            CudaCheck.cu(cuda_h.cuMemcpyHtoDAsync_v2(address, pinned, bytes, device.stream()), "cuMemcpyHtoDAsync_v2");
        }
    }

    @Override
    public void copyToHost(Tensor src, MemorySegment dst) {
        copyToHost(Cuda.data(src), dst, src.numel() * src.dtype().bytes());
    }

    /**
     * Copies {@code bytes} from device address {@code address} to host memory and waits for it: every
     * call synchronises the stream (the host waits for all queued work), so kernels use it only to read
     * back a flag where the CPU backend would throw.
     */
    public void copyToHost(long address, MemorySegment dst, long bytes) {
        if (bytes == 0) {
            return;
        }
        synchronized (staging) {
            MemorySegment pinned = staging.buffer(bytes);
            CudaCheck.cu(cuda_h.cuMemcpyDtoHAsync_v2(pinned, address, bytes, device.stream()), "cuMemcpyDtoHAsync_v2");
            device.synchronize();
            MemorySegment.copy(pinned, 0, dst, 0, bytes);
        }
    }

    /** The int at a device address (a kernel's {@code bad} flag); synchronises, see {@link #copyToHost(long, MemorySegment, long)}. */
    public int readInt(long address) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            copyToHost(address, out, 4);
            return out.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** Queues {@code words} 32-bit writes of {@code bits} from {@code address} ({@code cuMemsetD32Async}). */
    public void memset32(long address, int bits, long words) {
        if (words <= 0) {
            return;
        }
        device.makeCurrent();
        CudaCheck.cu(cuda_h.cuMemsetD32Async(address, bits, words, device.stream()), "cuMemsetD32Async");
    }

    /** Queues a device-to-device copy of {@code bytes} ({@code cuMemcpyDtoDAsync}). */
    public void copyOnDevice(long src, long dst, long bytes) {
        if (bytes <= 0) {
            return;
        }
        device.makeCurrent();
        CudaCheck.cu(cuda_h.cuMemcpyDtoDAsync_v2(dst, src, bytes, device.stream()), "cuMemcpyDtoDAsync_v2");
    }

    /** Binds the backend's context to the calling thread, for library calls (cuFFT) made outside {@link Kernels}. */
    public void makeCurrent() {
        device.makeCurrent();
    }

    /** Streaming multiprocessors of the device: the "splits" rule of the reduction kernels sizes grids by it. */
    public int multiprocessors() {
        return device.multiprocessors();
    }

    @Override
    public MemoryStats memoryStats() {
        return allocator.stats();
    }

    /** Starts a new peak-memory measurement from the current use. */
    public void resetPeakMemory() {
        allocator.resetPeak();
    }

    /** Returns cached device memory to the driver (waits for queued work first). */
    public void trimCache() {
        device.synchronize();
        allocator.releaseCached();
    }

    @Override
    public void synchronize() {
        device.synchronize();
    }

    @Override
    public String toString() {
        return "cuda backend on " + device.name();
    }
}
