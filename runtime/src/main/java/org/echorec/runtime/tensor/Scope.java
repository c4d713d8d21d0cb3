package org.echorec.runtime.tensor;

import java.util.ArrayList;

/**
 * Owns the memory of the tensors allocated while it is current, and releases it all when closed.
 *
 * <p>Note: memory lifetimes. Nothing in the runtime relies on the garbage collector for tensor memory,
 * so that the same rules hold GPU memory. A training step runs inside one scope:
 * <pre>{@code
 * try (Scope step = Scope.open()) {
 *     Tensor loss = model.loss(batch);   // temporaries of the step
 *     tape.backward(loss);               // parameter gradients live in the parameters' scope
 * }                                      // everything the step allocated is released here
 * }</pre>
 * Scopes opened with {@link #open()} nest per thread and must be closed innermost first. Long-lived
 * tensors (parameters, optimizer state) go into a {@link #detached(String) detached} scope that is
 * entered for allocation and closed when its owner is closed.
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    private final String name;
    private final Scope parent;
    private final boolean stacked;
    private final ArrayList<Storage> order = new ArrayList<>();
    private boolean closed;

    private Scope(String name, Scope parent, boolean stacked) {
        this.name = name;
        this.parent = parent;
        this.stacked = stacked;
    }

    /** Opens a scope nested in the current one and makes it current on this thread. */
    public static Scope open() {
        return open("scope");
    }

    public static Scope open(String name) {
        Scope scope = new Scope(name, CURRENT.get(), true);
        CURRENT.set(scope);
        return scope;
    }

    /** A scope that is not current anywhere; allocate into it with {@link #enter()}, release it with {@link #close()}. */
    public static Scope detached(String name) {
        return new Scope(name, null, false);
    }

    /** The innermost open scope of this thread. */
    public static Scope current() {
        Scope scope = CURRENT.get();
        if (scope == null) {
            throw new IllegalStateException(
                    "no open Scope on this thread: allocate tensors inside try (Scope s = Scope.open()) { ... }");
        }
        return scope;
    }

    /** Makes this scope current until the returned handle is closed; closing the handle releases nothing. */
    public Entered enter() {
        checkOpen();
        Scope previous = CURRENT.get();
        CURRENT.set(this);
        return new Entered(this, previous);
    }

    /** Restores the scope that was current before {@link #enter()}. */
    public static final class Entered implements AutoCloseable {
        private final Scope entered;
        private final Scope previous;
        private boolean done;

        private Entered(Scope entered, Scope previous) {
            this.entered = entered;
            this.previous = previous;
        }

        @Override
        public void close() {
            if (done) {
                return;
            }
            if (CURRENT.get() != entered) {
                throw new IllegalStateException("scope '" + entered.name + "' left out of order");
            }
            done = true;
            CURRENT.set(previous);
        }
    }

    public String name() {
        return name;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Takes ownership of freshly allocated memory. */
    public synchronized void adopt(Storage storage) {
        checkOpen();
        if (storage.owner() != null) {
            throw new IllegalStateException("storage already owned by scope '" + storage.owner().name + "'");
        }
        storage.setOwner(this);
        order.add(storage);
    }

    /**
     * Moves the tensor's memory to the scope this one was opened in, so it outlives this scope.
     * Returns the tensor for chaining.
     */
    public Tensor keep(Tensor tensor) {
        if (parent == null) {
            throw new IllegalStateException("scope '" + name + "' has no enclosing scope to keep a tensor in");
        }
        return moveTo(tensor, parent);
    }

    /** Moves the tensor's memory (shared by all its views) from its owner to {@code target}. */
    public static Tensor moveTo(Tensor tensor, Scope target) {
        Storage storage = tensor.storage();
        Scope from = storage.owner();
        if (from == target) {
            return tensor;
        }
        if (from != null) {
            from.disown(storage);
        }
        target.adopt(storage);
        return tensor;
    }

    private synchronized void disown(Storage storage) {
        if (order.remove(storage)) {
            storage.setOwner(null);
        }
    }

    /** Bytes of live memory this scope owns. */
    public synchronized long ownedBytes() {
        long total = 0;
        for (Storage s : order) {
            if (!s.isReleased()) {
                total += s.bytes();
            }
        }
        return total;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (stacked && CURRENT.get() != this) {
            throw new IllegalStateException("scope '" + name + "' closed out of order: close inner scopes first");
        }
        synchronized (this) {
            closed = true;
            for (int i = order.size() - 1; i >= 0; i--) {
                order.get(i).release();
            }
            order.clear();
        }
        if (stacked) {
            CURRENT.set(parent);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("scope '" + name + "' is closed");
        }
    }

    @Override
    public String toString() {
        return "Scope[" + name + (closed ? ", closed" : "") + "]";
    }
}
