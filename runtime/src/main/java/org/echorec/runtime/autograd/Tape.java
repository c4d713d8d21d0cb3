package org.echorec.runtime.autograd;

import java.util.ArrayList;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;

/**
 * Reverse-mode autodiff by a tape: while a tape is recording on this thread, every differentiable
 * function whose inputs require gradients appends one node (its outputs, inputs and gradient rule);
 * {@link #backward} replays the nodes in reverse. Without a recording tape, or inside
 * {@link #noGrad()}, nothing is recorded, so inference keeps no graph.
 *
 * <pre>{@code
 * try (Scope step = Scope.open(); Tape tape = Tape.record()) {
 *     Tensor loss = model.loss(batch);
 *     tape.backward(loss);       // parameters' gradients accumulate into param.grad()
 *     optimizer.step();
 * }
 * }</pre>
 *
 * <p>A node's gradient rule is a fused primitive where one exists (layer norm, cross-entropy, the
 * selective scan) rather than a chain of small ops; see the {@code *Grad} class of each op family.
 */
public final class Tape implements AutoCloseable {
    private static final ThreadLocal<Tape> ACTIVE = new ThreadLocal<>();

    /** One recorded operation. */
    record Node(String op, Tensor[] outputs, Tensor[] inputs, Backward backward) {}

    private final Tape previous;
    private final ArrayList<Node> nodes = new ArrayList<>();
    private boolean closed;

    private Tape(Tape previous) {
        this.previous = previous;
    }

    /** Starts recording on this thread. */
    public static Tape record() {
        Tape tape = new Tape(ACTIVE.get());
        ACTIVE.set(tape);
        return tape;
    }

    /** True when a tape records on this thread. */
    public static boolean isRecording() {
        return ACTIVE.get() != null;
    }

    /** Suspends recording until the returned handle is closed. */
    public static NoGrad noGrad() {
        Tape active = ACTIVE.get();
        ACTIVE.set(null);
        return new NoGrad(active);
    }

    /** The handle of {@link #noGrad()}; closing it resumes the suspended tape. */
    public static final class NoGrad implements AutoCloseable {
        private final Tape suspended;

        private NoGrad(Tape suspended) {
            this.suspended = suspended;
        }

        @Override
        public void close() {
            ACTIVE.set(suspended);
        }
    }

    /**
     * Records an operation when a tape is recording and any input requires a gradient; then the
     * outputs are marked as requiring gradients. Null inputs (absent optional operands) are allowed.
     */
    public static void record(String op, Tensor[] outputs, Tensor[] inputs, Backward backward) {
        Tape tape = ACTIVE.get();
        if (tape == null || !anyRequiresGrad(inputs)) {
            return;
        }
        for (Tensor out : outputs) {
            out.markRecorded();
        }
        tape.nodes.add(new Node(op, outputs, inputs, backward));
    }

    /** {@link #record(String, Tensor[], Tensor[], Backward)} for one output. */
    public static void record(String op, Tensor output, Backward backward, Tensor... inputs) {
        record(op, new Tensor[] {output}, inputs, backward);
    }

    private static boolean anyRequiresGrad(Tensor[] inputs) {
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /** Number of recorded nodes. */
    public int size() {
        return nodes.size();
    }

    /**
     * Back-propagates from a scalar loss (seed gradient 1): every leaf that requires a gradient and
     * that the loss depends on gets it added to its {@link Tensor#grad()}. Temporary gradients live in
     * the current scope and are released as soon as no rule needs them. The tape is spent afterwards.
     */
    public void backward(Tensor loss) {
        if (loss.numel() != 1) {
            throw new IllegalArgumentException("backward needs a scalar loss, got " + loss);
        }
        Tensor seed = Tensor.full(loss.backend(), 1f, loss.shape());
        backward(loss, seed);
    }

    /** Back-propagates from {@code output} with the given upstream gradient (same shape). */
    public void backward(Tensor output, Tensor upstream) {
        if (closed) {
            throw new IllegalStateException("backward on a closed tape");
        }
        if (!output.requiresGrad()) {
            throw new IllegalArgumentException("backward from " + output
                    + ", which depends on no tensor that requires a gradient (or was computed without a tape)");
        }
        if (!output.sameShape(upstream)) {
            throw new IllegalArgumentException("upstream gradient " + upstream + " does not match " + output);
        }
        Grads grads = new Grads(Scope.current());
        try (NoGrad ignored = noGrad()) {
            grads.add(output, upstream);
            for (int i = nodes.size() - 1; i >= 0; i--) {
                Node node = nodes.get(i);
                if (!grads.hasAny(node.outputs())) {
                    continue;
                }
                node.backward().apply(grads);
                grads.done(node.outputs());
            }
            grads.releaseAll();
        }
        nodes.clear();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (ACTIVE.get() != this) {
            throw new IllegalStateException("tape closed out of order or on another thread");
        }
        closed = true;
        nodes.clear();
        ACTIVE.set(previous);
    }
}
