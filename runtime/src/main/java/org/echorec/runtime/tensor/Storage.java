package org.echorec.runtime.tensor;

import org.echorec.runtime.backend.Backend;

/**
 * A block of device memory that tensors view. A storage belongs to exactly one {@link Scope}, which
 * releases it when it closes; a released storage fails loudly on use rather than reading freed memory.
 */
public abstract class Storage {
    private final Backend backend;
    private final long bytes;
    private Scope owner;
    private volatile boolean released;

    protected Storage(Backend backend, long bytes) {
        this.backend = backend;
        this.bytes = bytes;
    }

    public final Backend backend() {
        return backend;
    }

    /** Usable size in bytes (the allocation may be larger). */
    public final long bytes() {
        return bytes;
    }

    public final Scope owner() {
        return owner;
    }

    final void setOwner(Scope owner) {
        this.owner = owner;
    }

    public final boolean isReleased() {
        return released;
    }

    /** Throws if the memory was already given back; backends call this before touching the memory. */
    protected final void checkLive() {
        if (released) {
            throw new IllegalStateException("tensor memory used after its scope was closed or it was released");
        }
    }

    /** Returns the memory to the backend now; normally the owning scope does this when it closes. */
    public final void release() {
        if (released) {
            return;
        }
        released = true;
        free();
    }

    /** Gives the memory back to the backend's allocator; called once. */
    protected abstract void free();
}
