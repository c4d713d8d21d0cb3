package org.echorec.runtime.op;

/**
 * Elementwise functions of one argument. Each entry states y = f(x) and the derivative that
 * {@link Ops#unaryBackward} multiplies the incoming gradient by; the conventions at kinks follow PyTorch.
 */
public enum Unary {
    /** y = eˣ; dy/dx = eˣ. */
    EXP,
    /** y = ln x; dy/dx = 1/x. */
    LOG,
    /** y = tanh x; dy/dx = 1 − tanh²x. */
    TANH,
    /** y = σ(x) = 1/(1+e⁻ˣ); dy/dx = σ(x)(1−σ(x)). */
    SIGMOID,
    /** y = x·σ(x); dy/dx = σ(x)(1 + x(1−σ(x))). */
    SILU,
    /** y = x·Φ(x) = ½x(1+erf(x/√2)) (the exact, erf form); dy/dx = Φ(x) + x·φ(x). */
    GELU,
    /** y = ln(1+eˣ), and y = x for x > 20 (PyTorch's threshold); dy/dx = σ(x), 1 above the threshold. */
    SOFTPLUS,
    /** y = x·min(max(x+3, 0), 6)/6; dy/dx = 0 for x &lt; −3, x/3 + ½ for −3 ≤ x ≤ 3, 1 above. */
    HARDSWISH,
    /** y = max(x, 0); dy/dx = 1 for x &gt; 0, else 0. */
    RELU,
    /** y = x²; dy/dx = 2x. */
    SQUARE
}
