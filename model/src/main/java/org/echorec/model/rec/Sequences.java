package org.echorec.model.rec;

import org.echorec.runtime.autograd.F;
import org.echorec.runtime.tensor.Tensor;

/** Shape helpers shared by the recommenders. */
final class Sequences {
    private Sequences() {}

    /** Row {@code lengths[b] - 1} of each sequence of {@code hidden} [B, L, d], as [B, d], differentiable. */
    static Tensor lastPositions(Tensor hidden, int[] lengths) {
        return rowsAt(hidden, lastIndices(lengths, hidden.dim(1)));
    }

    /** {@code lengths[b] - 1}, checked against the padded length. */
    static int[] lastIndices(int[] lengths, int length) {
        int[] last = new int[lengths.length];
        for (int b = 0; b < lengths.length; b++) {
            if (lengths[b] < 1 || lengths[b] > length) {
                throw new IllegalArgumentException("history length " + lengths[b] + " outside 1.." + length);
            }
            last[b] = lengths[b] - 1;
        }
        return last;
    }

    /** Row {@code positions[b]} of each sequence of {@code hidden} [B, L, d], as [B, d], differentiable. */
    static Tensor rowsAt(Tensor hidden, int[] positions) {
        int batch = hidden.dim(0);
        int length = hidden.dim(1);
        int[] rows = new int[batch];
        for (int b = 0; b < batch; b++) {
            rows[b] = b * length + positions[b];
        }
        Tensor flat = F.reshape(hidden, batch * length, hidden.dim(2));
        return F.embedding(flat, Tensor.ofInts(hidden.backend(), rows, batch), -1);
    }

    /** The two halves of the last axis, each made contiguous. */
    static Tensor[] halves(Tensor x) {
        int d = x.dim(-1) / 2;
        Tensor[] parts = F.split(x, -1, d, d);
        return new Tensor[] {F.contiguous(parts[0]), F.contiguous(parts[1])};
    }
}
