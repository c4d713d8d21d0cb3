package org.echorec.runtime.backend;

import java.lang.foreign.MemorySegment;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.tensor.Storage;
import org.echorec.runtime.tensor.Tensor;

/**
 * A device: where tensor memory lives and which kernels compute on it. Layers and models see only
 * {@link #ops()} and the tensor factories; nothing else of a backend leaks into them.
 */
public interface Backend {
    /** Short name used on command lines: {@code cpu}, {@code cuda}. */
    String name();

    /** One line for logs: the device and how its kernels are compiled. */
    String describe();

    /** The primitives, computing on this backend's memory. */
    Ops ops();

    /** Uninitialised memory of at least {@code bytes}, not yet owned by a scope. */
    Storage allocate(long bytes);

    /** Copies {@code dst.numel()} elements from host memory into the contiguous tensor {@code dst}. */
    void copyFromHost(MemorySegment src, Tensor dst);

    /** Copies the contiguous tensor {@code src} to host memory. */
    void copyToHost(Tensor src, MemorySegment dst);

    /** Allocator figures: bytes in use, the peak, cached bytes, real allocations. */
    MemoryStats memoryStats();

    /** Waits for queued work; a no-op where kernels run synchronously. */
    void synchronize();
}
