package org.echorec.model.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.op.random.Rng;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;

/**
 * A model's parameters by name, in creation order, in one long-lived scope. Names follow the
 * PyTorch modules of the reference code ({@code mamba_layers.0.mamba.in_proj.weight}), so a
 * checkpoint's safetensors load into the reference implementation as they are.
 *
 * <p>Layers get a {@link #child} view with their prefix; every tensor is created through
 * {@link #create}, which also draws its initial values from one seeded stream, so the same seed
 * gives the same model on every backend.
 */
public final class Params implements AutoCloseable {
    private final Backend backend;
    private final Scope scope;
    private final Rng rng;
    private final Map<String, Tensor> byName;
    private final String prefix;

    public Params(Backend backend, long seed) {
        this(backend, Scope.detached("parameters"), new Rng(seed), new LinkedHashMap<>(), "");
    }

    private Params(Backend backend, Scope scope, Rng rng, Map<String, Tensor> byName, String prefix) {
        this.backend = backend;
        this.scope = scope;
        this.rng = rng;
        this.byName = byName;
        this.prefix = prefix;
    }

    /** The same store with {@code name + "."} before every name created through it. */
    public Params child(String name) {
        return new Params(backend, scope, rng, byName, prefix + name + ".");
    }

    public Params child(String name, int index) {
        return child(name + "." + index);
    }

    public Backend backend() {
        return backend;
    }

    /** How a new tensor is initialised. */
    public enum Init { ZEROS, ONES, NORMAL, UNIFORM }

    /**
     * A new trainable tensor; {@code a, b} are (mean, std) for NORMAL and (lo, hi) for UNIFORM.
     */
    public Tensor create(String name, Init init, float a, float b, int... shape) {
        String full = prefix + name;
        if (byName.containsKey(full)) {
            throw new IllegalStateException("parameter " + full + " created twice");
        }
        Tensor t;
        try (Scope.Entered in = scope.enter()) {
            t = switch (init) {
                case ZEROS -> Tensor.zeros(backend, shape);
                case ONES -> Tensor.full(backend, 1f, shape);
                case NORMAL -> {
                    Tensor n = Tensor.empty(backend, shape);
                    rng.normal(n, a, b);
                    yield n;
                }
                case UNIFORM -> {
                    Tensor u = Tensor.empty(backend, shape);
                    rng.uniform(u, a, b);
                    yield u;
                }
            };
        }
        t.name(full).requiresGrad(true);
        byName.put(full, t);
        return t;
    }

    public Tensor normal(String name, float std, int... shape) {
        return create(name, Init.NORMAL, 0f, std, shape);
    }

    public Tensor zeros(String name, int... shape) {
        return create(name, Init.ZEROS, 0f, 0f, shape);
    }

    public Tensor ones(String name, int... shape) {
        return create(name, Init.ONES, 0f, 0f, shape);
    }

    public Tensor uniform(String name, float lo, float hi, int... shape) {
        return create(name, Init.UNIFORM, lo, hi, shape);
    }

    /** A fixed-content tensor in the parameter scope (for values computed on the host). */
    public Tensor of(String name, float[] values, int... shape) {
        Tensor t = zeros(name, shape);
        t.copyFrom(values);
        return t;
    }

    /** Every parameter by full name, in creation order. */
    public Map<String, Tensor> byName() {
        return Collections.unmodifiableMap(byName);
    }

    public List<Tensor> all() {
        return new ArrayList<>(byName.values());
    }

    public long count() {
        long n = 0;
        for (Tensor t : byName.values()) {
            n += t.numel();
        }
        return n;
    }

    /** Frees every parameter (the root store only; children share it). */
    @Override
    public void close() {
        if (prefix.isEmpty()) {
            scope.close();
        }
    }
}
