package org.echorec.runtime.backend.cuda;

import org.echorec.runtime.tensor.Tensor;

/** How CUDA kernels reach a tensor's memory: device addresses, passed to kernels as {@code Long}. */
public final class Cuda {
    private Cuda() {}

    /** The device address of the tensor's first element (its storage plus its offset). */
    public static long address(Tensor t) {
        if (!(t.storage() instanceof CudaStorage s)) {
            throw new IllegalArgumentException(t + " is not in CUDA device memory");
        }
        return s.address() + t.offset() * t.dtype().bytes();
    }

    /** {@link #address} of a contiguous tensor, for kernels that index it from 0 without strides. */
    public static long data(Tensor t) {
        if (!t.isContiguous()) {
            throw new IllegalArgumentException("kernel needs a contiguous tensor, got " + t);
        }
        return address(t);
    }

    /** {@link #data}, or 0 (a null device pointer) for an absent optional operand. */
    public static long dataOrNull(Tensor t) {
        return t == null ? 0L : data(t);
    }
}
