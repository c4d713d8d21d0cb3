package org.echorec.bindings.cufft;

import static org.echorec.bindings.cufft.cufft_h.C_INT;
import static org.echorec.bindings.cufft.cufft_h.C_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.echorec.bindings.cuda.CudaCheck;
import org.echorec.bindings.cuda.GpuContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Batched real FFTs on a real GPU against a direct DFT. Skipped, with the reason, without libcufft, libcuda or a device. */
@Tag("gpu")
class CufftGpuTest {
    private static final int N = 16;
    private static final int BATCH = 3;
    private static final int BINS = N / 2 + 1;

    @BeforeEach
    void needsCufftAndAGpu() {
        assumeTrue(cufft_h.LIBRARY.isAvailable(), () -> "skipped: " + cufft_h.LIBRARY.unavailableReason());
        GpuContext.assumeCurrent();
    }

    @Test
    void r2cMatchesADirectDftAndC2rBringsBackNTimesTheSignal() {
        float[] signal = new float[N * BATCH];
        for (int i = 0; i < signal.length; i++) {
            signal[i] = (float) Math.sin(0.7 * i) + (i % 5) * 0.1f;
        }
        long real = GpuContext.alloc(4L * N * BATCH);
        long spectrum = GpuContext.alloc(8L * BINS * BATCH);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocateFrom(C_INT, N);
            MemorySegment plan = arena.allocate(C_INT);
            CudaCheck.cufft(cufft_h.cufftPlanMany(plan, 1, n, MemorySegment.NULL, 1, N, MemorySegment.NULL, 1, BINS,
                    cufft_h.CUFFT_R2C, BATCH), "cufftPlanMany");
            int forward = plan.get(C_INT, 0);
            // The inverse plan the other way: made in two steps, with its work area left to cuFFT.
            CudaCheck.cufft(cufft_h.cufftCreate(plan), "cufftCreate");
            int inverse = plan.get(C_INT, 0);
            MemorySegment workSize = arena.allocate(C_LONG);
            CudaCheck.cufft(cufft_h.cufftSetAutoAllocation(inverse, 1), "cufftSetAutoAllocation");
            CudaCheck.cufft(cufft_h.cufftMakePlanMany(inverse, 1, n, MemorySegment.NULL, 1, BINS, MemorySegment.NULL, 1,
                    N, cufft_h.CUFFT_C2R, BATCH, workSize), "cufftMakePlanMany");
            assertTrue(workSize.get(C_LONG, 0) >= 0);
            try {
                CudaCheck.cufft(cufft_h.cufftSetStream(forward, MemorySegment.NULL), "cufftSetStream");
                GpuContext.upload(real, signal);
                CudaCheck.cufft(cufft_h.cufftExecR2C(forward, MemorySegment.ofAddress(real),
                        MemorySegment.ofAddress(spectrum)), "cufftExecR2C");
                float[] bins = GpuContext.download(spectrum, 2 * BINS * BATCH);
                for (int b = 0; b < BATCH; b++) {
                    for (int f = 0; f < BINS; f++) {
                        double re = 0;
                        double im = 0;
                        for (int t = 0; t < N; t++) {
                            re += signal[b * N + t] * Math.cos(2 * Math.PI * f * t / N);
                            im -= signal[b * N + t] * Math.sin(2 * Math.PI * f * t / N);
                        }
                        int at = 2 * (b * BINS + f);
                        assertEquals(re, bins[at], 1e-4 * N, "batch " + b + " bin " + f + " real");
                        assertEquals(im, bins[at + 1], 1e-4 * N, "batch " + b + " bin " + f + " imaginary");
                    }
                }
                CudaCheck.cufft(cufft_h.cufftExecC2R(inverse, MemorySegment.ofAddress(spectrum),
                        MemorySegment.ofAddress(real)), "cufftExecC2R");
                float[] back = GpuContext.download(real, N * BATCH);
                for (int i = 0; i < signal.length; i++) {
                    assertEquals(N * signal[i], back[i], 1e-4 * N, "sample " + i);
                }
            } finally {
                CudaCheck.cufft(cufft_h.cufftDestroy(forward), "cufftDestroy");
                CudaCheck.cufft(cufft_h.cufftDestroy(inverse), "cufftDestroy");
            }
        } finally {
            GpuContext.free(real);
            GpuContext.free(spectrum);
        }
    }

    @Test
    void aPlanRunsInAWorkAreaTheCallerProvides() {
        int n = 4096;
        int batch = 8;
        int bins = n / 2 + 1;
        long real = GpuContext.alloc(4L * n * batch);
        long complex = GpuContext.alloc(8L * bins * batch);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment plan = arena.allocate(C_INT);
            CudaCheck.cufft(cufft_h.cufftCreate(plan), "cufftCreate");
            int handle = plan.get(C_INT, 0);
            try {
                CudaCheck.cufft(cufft_h.cufftSetAutoAllocation(handle, 0), "cufftSetAutoAllocation");
                MemorySegment workSize = arena.allocate(C_LONG);
                CudaCheck.cufft(cufft_h.cufftMakePlanMany(handle, 1, arena.allocateFrom(C_INT, n), MemorySegment.NULL,
                        1, n, MemorySegment.NULL, 1, bins, cufft_h.CUFFT_R2C, batch, workSize), "cufftMakePlanMany");
                long work = GpuContext.alloc(Math.max(workSize.get(C_LONG, 0), 1));
                try {
                    CudaCheck.cufft(cufft_h.cufftSetWorkArea(handle, MemorySegment.ofAddress(work)), "cufftSetWorkArea");
                    float[] ones = new float[n * batch];
                    Arrays.fill(ones, 1f);
                    GpuContext.upload(real, ones);
                    CudaCheck.cufft(cufft_h.cufftExecR2C(handle, MemorySegment.ofAddress(real),
                            MemorySegment.ofAddress(complex)), "cufftExecR2C");
                    float[] spectrum = GpuContext.download(complex, 2 * bins * batch);
                    for (int b = 0; b < batch; b++) {
                        assertEquals(n, spectrum[2 * b * bins], 1e-3 * n, "batch " + b + ": the constant's bin 0");
                        assertEquals(0, spectrum[2 * (b * bins + 1)], 1e-3 * n, "batch " + b + ": bin 1");
                    }
                } finally {
                    GpuContext.free(work);
                }
            } finally {
                CudaCheck.cufft(cufft_h.cufftDestroy(handle), "cufftDestroy");
            }
        } finally {
            GpuContext.free(real);
            GpuContext.free(complex);
        }
    }
}
