package org.echorec.bindings.cuda;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.echorec.bindings.cuda.cuda_h.C_FLOAT;
import static org.echorec.bindings.cuda.cuda_h.C_INT;
import static org.echorec.bindings.cuda.cuda_h.C_LONG;
import static org.echorec.bindings.cuda.cuda_h.C_LONG_LONG;
import static org.echorec.bindings.cuda.cuda_h.C_POINTER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.echorec.bindings.NativeException;
import org.echorec.bindings.nvrtc.NvrtcPrograms;
import org.echorec.bindings.nvrtc.nvrtc_h;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The driver binding on a real GPU: device queries, memory both ways, streams and events, and a kernel
 * compiled by NVRTC, loaded and launched. Skipped, with the reason, without libcuda or a device.
 */
@Tag("gpu")
class CudaDriverGpuTest {
    private static final String KERNELS = """
            extern "C" __global__ void axpy(float a, const float *x, float *y, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) y[i] = a * x[i] + y[i];
            }

            // Reverses each block's slice through dynamic shared memory.
            extern "C" __global__ void reverse_blocks(float *x) {
                extern __shared__ float tile[];
                int base = blockIdx.x * blockDim.x;
                tile[threadIdx.x] = x[base + threadIdx.x];
                __syncthreads();
                x[base + threadIdx.x] = tile[blockDim.x - 1 - threadIdx.x];
            }
            """;

    @BeforeEach
    void needsAGpu() {
        GpuContext.assumeCurrent();
    }

    @Test
    void theDeviceDescribesItself() {
        int dev = GpuContext.device();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment version = arena.allocate(C_INT);
            CudaCheck.cu(cuda_h.cuDriverGetVersion(version), "cuDriverGetVersion");
            assertTrue(version.get(C_INT, 0) >= 11000, "driver " + version.get(C_INT, 0));
            MemorySegment name = arena.allocate(256);
            CudaCheck.cu(cuda_h.cuDeviceGetName(name, 256, dev), "cuDeviceGetName");
            assertFalse(name.getString(0).isBlank());
            assertTrue(attribute(dev, cuda_h.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR) >= 5);
            assertTrue(attribute(dev, cuda_h.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR) >= 0);
            assertTrue(attribute(dev, cuda_h.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT) >= 1);
            assertEquals(32, attribute(dev, cuda_h.CU_DEVICE_ATTRIBUTE_WARP_SIZE));
            assertTrue(attribute(dev, cuda_h.CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK) >= 512);
            assertEquals(48 * 1024, attribute(dev, cuda_h.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK));
            MemorySegment total = arena.allocate(C_LONG);
            CudaCheck.cu(cuda_h.cuDeviceTotalMem_v2(total, dev), "cuDeviceTotalMem_v2");
            MemorySegment free = arena.allocate(C_LONG);
            MemorySegment total2 = arena.allocate(C_LONG);
            CudaCheck.cu(cuda_h.cuMemGetInfo_v2(free, total2), "cuMemGetInfo_v2");
            assertTrue(total.get(C_LONG, 0) > (1L << 30), "more than 1 GiB: " + total.get(C_LONG, 0));
            assertEquals(total.get(C_LONG, 0), total2.get(C_LONG, 0));
            assertTrue(free.get(C_LONG, 0) > 0 && free.get(C_LONG, 0) <= total2.get(C_LONG, 0));
        }
    }

    @Test
    void memoryGoesThereAndBackSynchronously() {
        int n = 1000;
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = i * 0.5f - 7;
        }
        long a = GpuContext.alloc(4L * n);
        long b = GpuContext.alloc(4L * n);
        try {
            GpuContext.upload(a, values);
            CudaCheck.cu(cuda_h.cuMemcpyDtoD_v2(b, a, 4L * n), "cuMemcpyDtoD_v2");
            assertArrayEquals(values, GpuContext.download(b, n));
        } finally {
            GpuContext.free(a);
            GpuContext.free(b);
        }
    }

    @Test
    void asyncCopiesMemsetsAndEventsOnAStream() {
        int n = 4096;
        long bytes = 4L * n;
        long dev = GpuContext.alloc(bytes);
        long copy = GpuContext.alloc(bytes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(C_POINTER);
            CudaCheck.cu(cuda_h.cuStreamCreate(slot, cuda_h.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
            MemorySegment stream = slot.get(C_POINTER, 0);
            CudaCheck.cu(cuda_h.cuEventCreate(slot, cuda_h.CU_EVENT_DEFAULT), "cuEventCreate");
            MemorySegment start = slot.get(C_POINTER, 0);
            CudaCheck.cu(cuda_h.cuEventCreate(slot, cuda_h.CU_EVENT_DEFAULT), "cuEventCreate");
            MemorySegment end = slot.get(C_POINTER, 0);
            CudaCheck.cu(cuda_h.cuMemAllocHost_v2(slot, bytes), "cuMemAllocHost_v2");
            MemorySegment pinned = slot.get(C_POINTER, 0).reinterpret(bytes);
            try {
                CudaCheck.cu(cuda_h.cuEventRecord(start, stream), "cuEventRecord");
                CudaCheck.cu(cuda_h.cuMemsetD32Async(dev, Float.floatToRawIntBits(2.5f), n, stream), "cuMemsetD32Async");
                // 0x3f bytes make each float 0x3f3f3f3f, about 0.747
                CudaCheck.cu(cuda_h.cuMemsetD8Async(dev + 4L * (n / 2), (byte) 0x3f, 4L * (n / 2), stream),
                        "cuMemsetD8Async");
                CudaCheck.cu(cuda_h.cuMemcpyDtoDAsync_v2(copy, dev, bytes, stream), "cuMemcpyDtoDAsync_v2");
                CudaCheck.cu(cuda_h.cuMemcpyDtoHAsync_v2(pinned, copy, bytes, stream), "cuMemcpyDtoHAsync_v2");
                CudaCheck.cu(cuda_h.cuEventRecord(end, stream), "cuEventRecord");
                CudaCheck.cu(cuda_h.cuStreamSynchronize(stream), "cuStreamSynchronize");
                CudaCheck.cu(cuda_h.cuEventSynchronize(end), "cuEventSynchronize");
                float[] got = pinned.toArray(C_FLOAT);
                assertEquals(2.5f, got[0]);
                assertEquals(2.5f, got[n / 2 - 1]);
                assertEquals(Float.intBitsToFloat(0x3f3f3f3f), got[n / 2]);
                assertEquals(Float.intBitsToFloat(0x3f3f3f3f), got[n - 1]);

                pinned.fill((byte) 0);
                pinned.setAtIndex(C_FLOAT, 3, 9f);
                CudaCheck.cu(cuda_h.cuMemcpyHtoDAsync_v2(dev, pinned, bytes, stream), "cuMemcpyHtoDAsync_v2");
                CudaCheck.cu(cuda_h.cuStreamSynchronize(stream), "cuStreamSynchronize");
                assertEquals(9f, GpuContext.download(dev, n)[3]);

                MemorySegment ms = arena.allocate(C_FLOAT);
                CudaCheck.cu(cuda_h.cuEventElapsedTime(ms, start, end), "cuEventElapsedTime");
                assertTrue(ms.get(C_FLOAT, 0) >= 0, "elapsed " + ms.get(C_FLOAT, 0) + " ms");
            } finally {
                CudaCheck.cu(cuda_h.cuMemFreeHost(pinned), "cuMemFreeHost");
                CudaCheck.cu(cuda_h.cuEventDestroy_v2(start), "cuEventDestroy_v2");
                CudaCheck.cu(cuda_h.cuEventDestroy_v2(end), "cuEventDestroy_v2");
                CudaCheck.cu(cuda_h.cuStreamDestroy_v2(stream), "cuStreamDestroy_v2");
            }
        } finally {
            GpuContext.free(dev);
            GpuContext.free(copy);
        }
    }

    @Test
    void aKernelCompiledByNvrtcRunsAndUsesDynamicSharedMemory() {
        assumeTrue(nvrtc_h.LIBRARY.isAvailable(), () -> "skipped: " + nvrtc_h.LIBRARY.unavailableReason());
        int dev = GpuContext.device();
        String arch = ptxArchitecture(dev);
        NvrtcPrograms.Compiled compiled = NvrtcPrograms.compile("kernels.cu", KERNELS, "--gpu-architecture=" + arch);
        assertEquals(nvrtc_h.NVRTC_SUCCESS, compiled.status(), compiled.log());

        int n = 1000;
        int block = 250;
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = 1 - i * 0.25f;
        }
        long dx = GpuContext.alloc(4L * n);
        long dy = GpuContext.alloc(4L * n);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(C_POINTER);
            CudaCheck.cu(cuda_h.cuModuleLoadData(slot, arena.allocateFrom(compiled.ptx())), "cuModuleLoadData");
            MemorySegment module = slot.get(C_POINTER, 0);
            try {
                GpuContext.upload(dx, x);
                GpuContext.upload(dy, y);
                MemorySegment axpy = function(arena, module, "axpy");
                MemorySegment params = arguments(arena, arena.allocateFrom(C_FLOAT, 3f),
                        arena.allocateFrom(C_LONG_LONG, dx), arena.allocateFrom(C_LONG_LONG, dy),
                        arena.allocateFrom(C_INT, n));
                CudaCheck.cu(cuda_h.cuLaunchKernel(axpy, n / block, 1, 1, block, 1, 1, 0, MemorySegment.NULL, params,
                        MemorySegment.NULL), "cuLaunchKernel");
                CudaCheck.cu(cuda_h.cuCtxSynchronize(), "cuCtxSynchronize");
                float[] got = GpuContext.download(dy, n);
                for (int i = 0; i < n; i++) {
                    assertEquals(3f * x[i] + y[i], got[i], "y[" + i + "]");
                }

                // More than the default 48 KiB of dynamic shared memory needs the attribute first.
                int optIn = attribute(dev, cuda_h.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
                int shared = Math.max(block * 4, Math.min(optIn, 64 * 1024));
                MemorySegment reverse = function(arena, module, "reverse_blocks");
                CudaCheck.cu(cuda_h.cuFuncSetAttribute(reverse, cuda_h.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                        shared), "cuFuncSetAttribute");
                CudaCheck.cu(cuda_h.cuLaunchKernel(reverse, n / block, 1, 1, block, 1, 1, shared, MemorySegment.NULL,
                        arguments(arena, arena.allocateFrom(C_LONG_LONG, dx)), MemorySegment.NULL), "cuLaunchKernel");
                CudaCheck.cu(cuda_h.cuCtxSynchronize(), "cuCtxSynchronize");
                float[] reversed = GpuContext.download(dx, n);
                for (int i = 0; i < n; i++) {
                    int base = i / block * block;
                    assertEquals(x[base + block - 1 - (i - base)], reversed[i], "x[" + i + "]");
                }
            } finally {
                CudaCheck.cu(cuda_h.cuModuleUnload(module), "cuModuleUnload");
            }
        } finally {
            GpuContext.free(dx);
            GpuContext.free(dy);
        }
    }

    @Test
    void badPtxIsRejectedWithTheJitLog() {
        String ptx = """
                .version 7.0
                .target sm_52
                .address_size 64
                .visible .entry broken()
                {
                    this is not an instruction;
                }
                """;
        int logSize = 4096;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment log = arena.allocate(logSize);
            MemorySegment options = arena.allocateFrom(C_INT, cuda_h.CU_JIT_ERROR_LOG_BUFFER,
                    cuda_h.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
            MemorySegment values = arena.allocate(C_POINTER, 2);
            values.setAtIndex(C_POINTER, 0, log);
            values.setAtIndex(C_POINTER, 1, MemorySegment.ofAddress(logSize)); // a size passed as a pointer value
            MemorySegment module = arena.allocate(C_POINTER);
            int rc = cuda_h.cuModuleLoadDataEx(module, arena.allocateFrom(ptx), 2, options, values);
            assertEquals(cuda_h.CUDA_ERROR_INVALID_PTX, rc, CudaCheck.describeCu(rc));
            assertFalse(log.getString(0).isBlank(), "the JIT says why");
        }
    }

    @Test
    void runningOutOfMemoryIsNamedByTheDriver() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ptr = arena.allocate(C_LONG_LONG);
            NativeException e = assertThrows(NativeException.class,
                    () -> CudaCheck.cu(cuda_h.cuMemAlloc_v2(ptr, 1L << 50), "cuMemAlloc_v2"));
            assertEquals("cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (out of memory) (2)", e.getMessage());
        }
    }

    @Test
    void aContextOfItsOwnCanBeCreatedUsedAndDestroyed() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(C_POINTER);
            CudaCheck.cu(cuda_h.cuCtxCreate_v2(slot, cuda_h.CU_CTX_SCHED_AUTO, GpuContext.device()), "cuCtxCreate_v2");
            MemorySegment own = slot.get(C_POINTER, 0);
            try {
                long dptr = GpuContext.alloc(64);
                CudaCheck.cu(cuda_h.cuMemsetD8Async(dptr, (byte) 7, 64, MemorySegment.NULL), "cuMemsetD8Async");
                MemorySegment host = arena.allocate(64);
                CudaCheck.cu(cuda_h.cuMemcpyDtoH_v2(host, dptr, 64), "cuMemcpyDtoH_v2");
                assertEquals(7, host.get(JAVA_BYTE, 63));
                GpuContext.free(dptr);
            } finally {
                CudaCheck.cu(cuda_h.cuCtxDestroy_v2(own), "cuCtxDestroy_v2");
            }
        }
    }

    /**
     * {@code compute_XY} for the device, capped at the newest architecture this NVRTC knows, and only where
     * the driver can load this NVRTC's PTX (a driver older than the compiler rejects its PTX version).
     */
    private static String ptxArchitecture(int dev) {
        int[] nvrtc = NvrtcPrograms.version();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment version = arena.allocate(C_INT);
            CudaCheck.cu(cuda_h.cuDriverGetVersion(version), "cuDriverGetVersion");
            int driver = version.get(C_INT, 0);
            assumeTrue(driver >= nvrtc[0] * 1000 + nvrtc[1] * 10, () -> "skipped: NVRTC " + nvrtc[0] + "." + nvrtc[1]
                    + " writes PTX that the driver for CUDA " + driver / 1000 + "." + driver % 1000 / 10 + " cannot load");
        }
        int device = attribute(dev, cuda_h.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR) * 10
                + attribute(dev, cuda_h.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        int best = 0;
        for (int arch : NvrtcPrograms.supportedArchitectures()) {
            if (arch <= device) {
                best = arch;
            }
        }
        assertTrue(best > 0, "NVRTC knows no architecture up to sm_" + device);
        return "compute_" + best;
    }

    private static int attribute(int dev, int attribute) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(C_INT);
            CudaCheck.cu(cuda_h.cuDeviceGetAttribute(value, attribute, dev), "cuDeviceGetAttribute");
            return value.get(C_INT, 0);
        }
    }

    private static MemorySegment function(Arena arena, MemorySegment module, String name) {
        MemorySegment slot = arena.allocate(C_POINTER);
        CudaCheck.cu(cuda_h.cuModuleGetFunction(slot, module, arena.allocateFrom(name)), "cuModuleGetFunction");
        return slot.get(C_POINTER, 0);
    }

    /** The {@code void **kernelParams} of cuLaunchKernel: one pointer per parameter, to its value. */
    private static MemorySegment arguments(Arena arena, MemorySegment... values) {
        MemorySegment array = arena.allocate(C_POINTER, values.length);
        for (int i = 0; i < values.length; i++) {
            array.setAtIndex(C_POINTER, i, values[i]);
        }
        return array;
    }
}
