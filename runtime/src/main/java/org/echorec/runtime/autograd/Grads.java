package org.echorec.runtime.autograd;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Storage;
import org.echorec.runtime.tensor.Tensor;

/**
 * The gradients flowing during one backward pass, and the only way a gradient rule touches them.
 *
 * <p>Note: gradient buffers. A rule never allocates or zeroes the buffer of an input's gradient; it
 * says how its kernel writes: {@link #write} for kernels that overwrite their output,
 * {@link #accumulate} for kernels that add with a beta (GEMM, scatter-add), {@link #add} for a
 * gradient it already holds (often its output's own gradient, passed through without a copy). The
 * first contribution to a tensor then lands directly in its buffer, and only later ones cost an add,
 * so the common single-use tensor costs no zero-fill and no extra pass. A leaf's gradient goes to its
 * persistent buffer (in the leaf's own scope); others to buffers of the step's scope, each released
 * once the rule that reads it has run, unless another gradient still shares its memory.
 */
public final class Grads {
    private static final class Entry {
        Tensor buffer;
        /** True when this entry alone may write the buffer (false for a borrowed tensor). */
        boolean exclusive;

        Entry(Tensor buffer, boolean exclusive) {
            this.buffer = buffer;
            this.exclusive = exclusive;
        }
    }

    /** How an accumulating kernel writes: {@code dst = contribution + beta·dst}, beta 0 or 1. */
    @FunctionalInterface
    public interface Accumulator {
        void run(Tensor dst, float beta);
    }

    private final Scope scope;
    private final Map<Tensor, Entry> entries = new IdentityHashMap<>();
    private final Map<Storage, Integer> shares = new IdentityHashMap<>();
    private final Map<Storage, Boolean> ownBuffers = new IdentityHashMap<>();

    Grads(Scope scope) {
        this.scope = scope;
    }

    /** True when {@code input} needs a gradient (null-safe). */
    public boolean needs(Tensor input) {
        return input != null && input.requiresGrad();
    }

    /** The gradient of an output of the running rule, or null when none flowed to it. */
    public Tensor of(Tensor output) {
        Entry e = entries.get(output);
        return e == null ? null : e.buffer;
    }

    /** The gradient of an output, or zeros when none flowed to it. */
    public Tensor ofOrZeros(Tensor output) {
        Tensor g = of(output);
        return g != null ? g : Tensor.zerosLike(output);
    }

    /** Contributes {@code d(input)} through a kernel that overwrites the buffer it is given. */
    public void write(Tensor input, Consumer<Tensor> kernel) {
        if (!needs(input)) {
            return;
        }
        Pending p = pending(input, false);
        kernel.accept(p.buffer());
        p.commit().run();
    }

    /**
     * Contributes the gradients of several inputs through one fused kernel that overwrites them all:
     * it gets one buffer per input, null where that input needs no gradient. An input listed twice
     * gets a buffer per listing, and the contributions add up.
     */
    public void writeAll(Tensor[] inputs, Consumer<Tensor[]> kernel) {
        Pending[] pending = new Pending[inputs.length];
        Tensor[] buffers = new Tensor[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            if (needs(inputs[k])) {
                pending[k] = pending(inputs[k], listedBefore(inputs, k));
                buffers[k] = pending[k].buffer();
            }
        }
        kernel.accept(buffers);
        for (Pending p : pending) {
            if (p != null) {
                p.commit().run(); // in order: a repeated input's first listing lands before the others merge
            }
        }
    }

    /** A buffer for a kernel to overwrite with a gradient, and how to take it in once written. */
    private record Pending(Tensor buffer, Runnable commit) {}

    /**
     * The first gradient of a leaf is written straight into its persistent buffer, unless
     * {@code another} says a second contribution to the same tensor is pending in the same kernel.
     */
    private Pending pending(Tensor input, boolean another) {
        if (input.isLeaf()) {
            Tensor buffer = leafBuffer(input);
            if (input.grad() == null && !another) {
                return new Pending(buffer, () -> input.setGrad(buffer));
            }
            Tensor tmp = newBuffer(input);
            return new Pending(tmp, () -> {
                ops(input).axpy(1f, tmp, buffer);
                release(tmp);
            });
        }
        Tensor tmp = newBuffer(input);
        return new Pending(tmp, () -> {
            Entry e = entries.get(input);
            if (e == null) {
                put(input, tmp, true);
            } else {
                mergeInto(input, e, tmp);
            }
        });
    }

    private static boolean listedBefore(Tensor[] inputs, int k) {
        for (int j = 0; j < k; j++) {
            if (inputs[j] == inputs[k]) {
                return true;
            }
        }
        return false;
    }

    /** Contributes {@code d(input)} through a kernel computing {@code dst = contribution + beta·dst}. */
    public void accumulate(Tensor input, Accumulator kernel) {
        if (!needs(input)) {
            return;
        }
        if (input.isLeaf()) {
            Tensor buffer = leafBuffer(input);
            boolean first = input.grad() == null;
            kernel.run(buffer, first ? 0f : 1f);
            input.setGrad(buffer);
            return;
        }
        Entry e = entries.get(input);
        if (e == null) {
            Tensor buffer = newBuffer(input);
            kernel.run(buffer, 0f);
            put(input, buffer, true);
        } else if (e.exclusive) {
            kernel.run(e.buffer, 1f);
        } else {
            Tensor buffer = newBuffer(input);
            ops(input).copy(e.buffer, buffer, false);
            kernel.run(buffer, 1f);
            replace(input, e, buffer);
        }
    }

    /**
     * Contributes a gradient tensor of {@code input}'s shape. The first contribution to a non-leaf is
     * kept by reference (no copy); the tensor must not be written afterwards by the caller.
     */
    public void add(Tensor input, Tensor grad) {
        if (!needs(input)) {
            return;
        }
        if (!input.sameShape(grad)) {
            throw new IllegalArgumentException("gradient " + grad + " does not match " + input);
        }
        if (input.isLeaf()) {
            Tensor buffer = leafBuffer(input);
            if (input.grad() == null) {
                ops(input).copy(grad, buffer, false);
                input.setGrad(buffer);
            } else {
                ops(input).copy(grad, buffer, true);
            }
            return;
        }
        Entry e = entries.get(input);
        if (e == null) {
            if (grad.isContiguous()) {
                put(input, grad, false);
            } else {
                Tensor buffer = newBuffer(input);
                ops(input).copy(grad, buffer, false);
                put(input, buffer, true);
            }
        } else if (e.exclusive) {
            ops(input).copy(grad, e.buffer, true);
        } else {
            Tensor buffer = newBuffer(input);
            ops(input).copy(e.buffer, buffer, false);
            ops(input).copy(grad, buffer, true);
            replace(input, e, buffer);
        }
    }

    // ------------------------------------------------------------------ engine side

    boolean hasAny(Tensor[] outputs) {
        for (Tensor t : outputs) {
            if (entries.containsKey(t)) {
                return true;
            }
        }
        return false;
    }

    /** The rule of these outputs has run: their gradients are no longer needed. */
    void done(Tensor[] outputs) {
        for (Tensor t : outputs) {
            Entry e = entries.remove(t);
            if (e != null) {
                unshare(e.buffer);
            }
        }
    }

    void releaseAll() {
        for (Entry e : entries.values()) {
            unshare(e.buffer);
        }
        entries.clear();
    }

    private void mergeInto(Tensor input, Entry e, Tensor contribution) {
        if (e.exclusive) {
            ops(input).axpy(1f, contribution, e.buffer);
            release(contribution);
        } else {
            ops(input).axpy(1f, e.buffer, contribution);
            replace(input, e, contribution);
        }
    }

    private void put(Tensor input, Tensor buffer, boolean exclusive) {
        entries.put(input, new Entry(buffer, exclusive));
        shares.merge(buffer.storage(), 1, Integer::sum);
    }

    private void replace(Tensor input, Entry e, Tensor buffer) {
        unshare(e.buffer);
        e.buffer = buffer;
        e.exclusive = true;
        shares.merge(buffer.storage(), 1, Integer::sum);
    }

    /** Drops one reference; the memory goes back once no entry uses it, if this pass allocated it. */
    private void unshare(Tensor buffer) {
        Storage s = buffer.storage();
        int left = shares.merge(s, -1, Integer::sum);
        if (left <= 0) {
            shares.remove(s);
            if (ownBuffers.remove(s) != null) {
                s.release();
            }
        }
    }

    private Tensor newBuffer(Tensor like) {
        Tensor t = Tensor.empty(scope, like.backend(), like.dtype(), like.shape());
        ownBuffers.put(t.storage(), Boolean.TRUE);
        return t;
    }

    private void release(Tensor tmp) {
        ownBuffers.remove(tmp.storage());
        tmp.storage().release();
    }

    /** The persistent gradient buffer of a leaf, allocated in the leaf's own scope on first use. */
    private static Tensor leafBuffer(Tensor leaf) {
        Tensor buffer = leaf.gradBuffer();
        if (buffer == null || !buffer.sameShape(leaf) || buffer.storage().isReleased()) {
            Scope owner = leaf.storage().owner();
            if (owner == null || owner.isClosed()) {
                throw new IllegalStateException("leaf " + leaf + " has no open scope to hold its gradient");
            }
            buffer = Tensor.empty(owner, leaf.backend(), leaf.dtype(), leaf.shape());
            leaf.setGrad(buffer);
            leaf.zeroGrad();
        }
        return buffer;
    }

    private static Ops ops(Tensor t) {
        return t.backend().ops();
    }
}
