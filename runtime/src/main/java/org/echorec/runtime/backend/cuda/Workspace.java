package org.echorec.runtime.backend.cuda;

/**
 * Scratch device memory for one op (split partials, FFT spectra, a {@code bad} flag), from the backend's
 * caching allocator. Close it as soon as the launches that use it are queued: the block may be handed out
 * again before they have run, and that is safe because whatever writes it next is queued behind them on
 * the one stream ({@link CachingDeviceAllocator}: "Note: reuse and stream order").
 */
public final class Workspace implements AutoCloseable {
    private final CudaStorage storage;

    private Workspace(CudaStorage storage) {
        this.storage = storage;
    }

    /** At least {@code bytes} of uninitialised device memory (an empty request still gets a valid address). */
    public static Workspace of(CudaBackend backend, long bytes) {
        return new Workspace((CudaStorage) backend.allocate(Math.max(bytes, 8)));
    }

    /** One zeroed int for a kernel's {@code bad} flag. */
    public static Workspace flag(CudaBackend backend) {
        Workspace w = of(backend, 4);
        backend.memset32(w.address(), 0, 1);
        return w;
    }

    /** The device address of the first byte. */
    public long address() {
        return storage.address();
    }

    @Override
    public void close() {
        storage.release();
    }
}
