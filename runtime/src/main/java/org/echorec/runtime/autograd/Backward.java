package org.echorec.runtime.autograd;

/** The gradient rule of one recorded operation: reads its outputs' gradients, contributes its inputs'. */
@FunctionalInterface
public interface Backward {
    void apply(Grads grads);
}
