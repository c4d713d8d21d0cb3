package org.echorec.runtime.op.view;

import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.GEOMETRY;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.I32;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.I64;
import static org.echorec.runtime.backend.cuda.KernelSpec.Arg.PTR;

import java.lang.foreign.Arena;
import org.echorec.runtime.backend.cuda.Cuda;
import org.echorec.runtime.backend.cuda.CudaBackend;
import org.echorec.runtime.backend.cuda.KernelSpec;
import org.echorec.runtime.backend.cuda.LaunchGrid;
import org.echorec.runtime.tensor.DType;
import org.echorec.runtime.tensor.Shape;
import org.echorec.runtime.tensor.Tensor;

/**
 * {@code Ops.fill/copy/flip} on the GPU (view.cu). Contiguous fills and plain contiguous copies use the
 * driver's memset and memcpy; strided views go through the kernels with a {@link CudaGeometry}.
 */
public final class ViewCuda {
    static final KernelSpec FILL = KernelSpec.of("view", "fill", PTR, GEOMETRY, I64, I32);
    static final KernelSpec COPY = KernelSpec.of("view", "copy", PTR, PTR, GEOMETRY, I64, I32);
    static final KernelSpec FLIP = KernelSpec.of("view", "flip", PTR, PTR, I64, I64, I64);

    private ViewCuda() {}

    /**
     * The float's bit pattern is written to each 32-bit element, as the CPU does for F32 and I32. An I64
     * tensor can only be zeroed: the CPU has no meaning for a float fill of longs either.
     */
    public static void fill(CudaBackend backend, Tensor dst, float value) {
        int bits = Float.floatToRawIntBits(value);
        if (dst.dtype() == DType.I64 && bits != 0) {
            throw new IllegalArgumentException("fill: an I64 tensor can only be filled with 0 on cuda, got " + value
                    + "; " + dst);
        }
        if (dst.numel() == 0) {
            return;
        }
        int words = dst.dtype().bytes() / 4;
        if (dst.isContiguous()) {
            backend.memset32(Cuda.address(dst), bits, dst.numel() * words);
            return;
        }
        CudaGeometry g = CudaGeometry.of("fill", dst, dst);
        try (Arena arena = Arena.ofConfined()) {
            FILL.launch(backend, LaunchGrid.linear(g.total()), Cuda.address(dst), g.segment(arena), g.total(), bits);
        }
    }

    public static void copy(CudaBackend backend, Tensor src, Tensor dst, boolean accumulate) {
        if (src.numel() == 0) {
            return;
        }
        if (!accumulate && src.isContiguous() && dst.isContiguous()) {
            backend.copyOnDevice(Cuda.address(src), Cuda.address(dst), src.numel() * src.dtype().bytes());
            return;
        }
        CudaGeometry g = CudaGeometry.of("copy", src, dst);
        if (accumulate && g.repeats1()) {
            throw new IllegalArgumentException("copy: accumulating into a destination that repeats elements (a stride-0"
                    + " axis) would race on cuda; " + dst);
        }
        try (Arena arena = Arena.ofConfined()) {
            COPY.launch(backend, LaunchGrid.linear(g.total()), Cuda.address(src), Cuda.address(dst), g.segment(arena),
                    g.total(), accumulate ? 1 : 0);
        }
    }

    /** x, y contiguous [outer, n, inner], counted in 32-bit words (inner doubled for I64). */
    public static void flip(CudaBackend backend, Tensor x, int axisIn, Tensor y) {
        int axis = x.axis(axisIn);
        int[] shape = x.shape();
        long outer = Shape.numel(shape, 0, axis);
        long n = shape[axis];
        long inner = Shape.numel(shape, axis + 1, shape.length) * (x.dtype().bytes() / 4);
        FLIP.launch(backend, LaunchGrid.linear(outer * n * inner), Cuda.data(x), Cuda.data(y), outer, n, inner);
    }
}
