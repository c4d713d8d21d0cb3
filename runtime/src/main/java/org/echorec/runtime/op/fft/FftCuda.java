package org.echorec.runtime.op.fft;

import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.F32;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.I32;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.I64;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.PTR;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.echorec.bindings.cuda.CudaCheck;
import org.echorec.bindings.cufft.cufft_h;
import org.echorec.runtime.backend.cuda.Cuda;
import org.echorec.runtime.backend.cuda.CudaBackend;
import org.echorec.runtime.backend.cuda.KernelSpec;
import org.echorec.runtime.backend.cuda.LaunchGrid;
import org.echorec.runtime.backend.cuda.Workspace;
import org.echorec.runtime.tensor.Shape;
import org.echorec.runtime.tensor.Tensor;

/**
 * The orthonormal real FFTs on the GPU: cuFFT's batched R2C/C2R between fft.cu's transposes and bin
 * scalings, in the sequence of fft.cu's "Note: real FFTs through cuFFT". Signals are the middle axis of
 * [outer, n, inner]; cuFFT wants contiguous signals, so for inner &gt; 1 they are transposed to
 * [outer, inner, n] into scratch first (and back after a C2R). Scratch comes from the caching allocator
 * and is released once the calls are queued. The complex product is {@link ComplexMulCuda}.
 */
public final class FftCuda {
    static final KernelSpec TRANSPOSE = KernelSpec.of("fft", "fft_transpose", PTR, PTR, I64, I32, I32);
    static final KernelSpec RFFT_POST = KernelSpec.of("fft", "rfft_post", PTR, PTR, I64, I32, I32, I32, F32, F32);
    static final KernelSpec IRFFT_PRE = KernelSpec.of("fft", "irfft_pre", PTR, PTR, I64, I32, I32, I32, F32, F32);
    private static final CufftPlans PLANS = new CufftPlans();
    /** cuFFT reads and writes signals in place of scratch only when they start on a 16-byte boundary. */
    private static final long ALIGN = 16;

    private FftCuda() {}

    /** x [outer, n, inner] along {@code axis} with the sizes the kernels and cuFFT take as int. */
    private record Signal(long outer, int n, int inner, int bins) {
        static Signal of(String op, Tensor signal, int axis) {
            int[] shape = signal.shape();
            long outer = Shape.numel(shape, 0, axis);
            int n = shape[axis];
            long inner = Shape.numel(shape, axis + 1, shape.length);
            int bins = n / 2 + 1;
            // cuFFT's batch is an int; the tile grids have y = ceil(rows/32) ≤ 65535
            if (outer * inner > Integer.MAX_VALUE || inner > Integer.MAX_VALUE
                    || LaunchGrid.ceil(Math.max(n, inner), 32) > LaunchGrid.MAX_GRID_YZ) {
                throw new IllegalArgumentException(op + " on cuda: signal " + Arrays.toString(shape) + " along axis "
                        + axis + " exceeds cuFFT's int batch or the transpose grid");
            }
            return new Signal(outer, n, (int) inner, bins);
        }

        long batch() {
            return outer * inner;
        }

        float scale() {
            return (float) (1.0 / Math.sqrt(n));
        }

        int gridZ() {
            return (int) Math.min(outer, LaunchGrid.MAX_GRID_YZ);
        }
    }

    public static void rfft(CudaBackend backend, Tensor x, int axis, Tensor out) {
        forward(backend, Signal.of("rfft", x, axis), Cuda.data(x), Cuda.data(out), 1f);
    }

    /** dspec = m·rfft(dx), m = 2 at the interior bins (Ops.irfftBackward). */
    public static void irfftBackward(CudaBackend backend, Tensor dx, int axis, Tensor dspec) {
        forward(backend, Signal.of("irfftBackward", dx, axis), Cuda.data(dx), Cuda.data(dspec), 2f);
    }

    public static void irfft(CudaBackend backend, Tensor spec, int axis, Tensor x) {
        inverse(backend, Signal.of("irfft", x, axis), Cuda.data(spec), Cuda.data(x), 1f);
    }

    /** dx = irfft(dout/m), m = 2 at the interior bins (Ops.rfftBackward, FftPlain). */
    public static void rfftBackward(CudaBackend backend, Tensor dout, int axis, Tensor dx) {
        inverse(backend, Signal.of("rfftBackward", dx, axis), Cuda.data(dout), Cuda.data(dx), 0.5f);
    }

    /** transpose (unless inner = 1 and aligned) → R2C → rfft_post (scale, interior factor, edge Im = 0). */
    private static void forward(CudaBackend backend, Signal s, long x, long spec, float interior) {
        if (s.batch() == 0) {
            return;
        }
        boolean direct = s.inner() == 1 && x % ALIGN == 0;
        try (Workspace real = direct ? null : Workspace.of(backend, 4L * s.batch() * s.n());
             Workspace zt = Workspace.of(backend, 8L * s.batch() * s.bins())) {
            long src = x;
            if (!direct) {
                // [outer, n, inner] → [outer, inner, n]: rows = n, cols = inner
                TRANSPOSE.launch(backend, LaunchGrid.columns(LaunchGrid.ceil(s.inner(), 32),
                        (int) LaunchGrid.ceil(s.n(), 32), s.gridZ()), x, real.address(), s.outer(), s.n(), s.inner());
                src = real.address();
            }
            int plan = PLANS.plan(backend, cufft_h.CUFFT_R2C, s.n(), (int) s.batch());
            backend.makeCurrent();
            CudaCheck.cufft(cufft_h.cufftExecR2C(plan, MemorySegment.ofAddress(src), MemorySegment.ofAddress(zt.address())),
                    "cufftExecR2C");
            // zt [outer, inner, bins] → spec [outer, bins, inner]
            RFFT_POST.launch(backend, LaunchGrid.columns(LaunchGrid.ceil(s.bins(), 32),
                    (int) LaunchGrid.ceil(s.inner(), 32), s.gridZ()), zt.address(), spec, s.outer(), s.inner(),
                    s.bins(), s.n(), s.scale(), interior);
        }
    }

    /** irfft_pre (scale, interior factor, edge Im = 0) into scratch → C2R (overwrites it) → transpose back. */
    private static void inverse(CudaBackend backend, Signal s, long spec, long x, float interior) {
        if (s.batch() == 0) {
            return;
        }
        boolean direct = s.inner() == 1 && x % ALIGN == 0;
        try (Workspace zt = Workspace.of(backend, 8L * s.batch() * s.bins());
             Workspace real = direct ? null : Workspace.of(backend, 4L * s.batch() * s.n())) {
            // spec [outer, bins, inner] → zt [outer, inner, bins]
            IRFFT_PRE.launch(backend, LaunchGrid.columns(LaunchGrid.ceil(s.inner(), 32),
                    (int) LaunchGrid.ceil(s.bins(), 32), s.gridZ()), spec, zt.address(), s.outer(), s.inner(),
                    s.bins(), s.n(), s.scale(), interior);
            long dst = direct ? x : real.address();
            int plan = PLANS.plan(backend, cufft_h.CUFFT_C2R, s.n(), (int) s.batch());
            backend.makeCurrent();
            CudaCheck.cufft(cufft_h.cufftExecC2R(plan, MemorySegment.ofAddress(zt.address()), MemorySegment.ofAddress(dst)),
                    "cufftExecC2R");
            if (!direct) {
                // [outer, inner, n] → [outer, n, inner]: rows = inner, cols = n
                TRANSPOSE.launch(backend, LaunchGrid.columns(LaunchGrid.ceil(s.n(), 32),
                        (int) LaunchGrid.ceil(s.inner(), 32), s.gridZ()), real.address(), x, s.outer(), s.inner(),
                        s.n());
            }
        }
    }
}
