package org.echorec.model.rec;

import org.echorec.model.nn.Dropout;
import org.echorec.model.nn.LayerNorm;
import org.echorec.model.nn.Linear;
import org.echorec.model.nn.Mode;
import org.echorec.model.nn.Params;
import org.echorec.runtime.autograd.F;
import org.echorec.runtime.tensor.Tensor;

/**
 * The position-wise feed-forward network of Mamba4Rec and SASRec: Linear(d, inner) → GELU (erf) →
 * dropout → Linear(inner, d) → dropout → LayerNorm(out + in). The two references name the linears
 * differently ({@code w_1/w_2}, {@code dense_1/dense_2}); Mamba4Rec drops out after the GELU too.
 */
final class FeedForward {
    private final Linear first;
    private final Linear second;
    private final LayerNorm norm;
    private final Dropout dropout;
    private final boolean dropoutAfterActivation;

    FeedForward(Params p, int d, int inner, String firstName, String secondName, float dropout, float eps) {
        first = new Linear(p.child(firstName), d, inner, true);
        second = new Linear(p.child(secondName), inner, d, true);
        norm = new LayerNorm(p.child("LayerNorm"), d, eps);
        this.dropout = new Dropout(dropout);
        this.dropoutAfterActivation = firstName.equals("w_1");
    }

    Tensor forward(Tensor x, Mode mode) {
        Tensor h = F.gelu(first.forward(x));
        if (dropoutAfterActivation) {
            h = dropout.forward(h, mode);
        }
        h = dropout.forward(second.forward(h), mode);
        return norm.forward(F.add(h, x));
    }
}
