package org.echorec.runtime.backend.cuda;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One kernel of a family's {@code .cu} file and its C parameter list, as the Java side passes it.
 *
 * <p>Note: typed launches. {@code cuLaunchKernel} copies each argument by the size the kernel's C
 * signature says, from wherever the pointer in the argument array points: an {@code Integer} where the
 * kernel expects a {@code long long} reads 4 bytes of garbage, and the launch still "succeeds". So every
 * launch of the CUDA families goes through a spec: {@link #launch} checks the count and the Java type of
 * each argument against the spec before anything is queued, and {@code KernelSpecTest} parses every
 * kernel's parameter list from the {@code .cu} sources and checks it against every spec, on machines
 * without a GPU. The two checks together tie each call site to the C signature.
 */
public final class KernelSpec {
    /** The kinds of kernel parameter and the Java type that carries each. */
    public enum Arg {
        /** any pointer ({@code const float*}, {@code int*}, {@code double*}, {@code float2*}...): a {@code Long} device address, 0 for null */
        PTR(Long.class),
        /** {@code long long} or {@code unsigned long long}: a {@code Long} */
        I64(Long.class),
        /** {@code int} or {@code unsigned int}: an {@code Integer} */
        I32(Integer.class),
        /** {@code float}: a {@code Float} */
        F32(Float.class),
        /** view.cu's {@code Geometry} by value: a 200-byte {@code MemorySegment} */
        GEOMETRY(MemorySegment.class);

        final Class<?> carrier;

        Arg(Class<?> carrier) {
            this.carrier = carrier;
        }
    }

    private static final List<KernelSpec> DECLARED = new CopyOnWriteArrayList<>();

    private final String family;
    private final String name;
    private final List<Arg> params;

    private KernelSpec(String family, String name, List<Arg> params) {
        this.family = family;
        this.name = name;
        this.params = params;
    }

    /** A spec, remembered for {@link #declared} (the families declare theirs as static constants). */
    public static KernelSpec of(String family, String name, Arg... params) {
        KernelSpec spec = new KernelSpec(family, name, List.of(params));
        DECLARED.add(spec);
        return spec;
    }

    /** Every spec created so far: those of the family classes that have been initialised. */
    public static List<KernelSpec> declared() {
        return List.copyOf(DECLARED);
    }

    public String family() {
        return family;
    }

    public String name() {
        return name;
    }

    public List<Arg> params() {
        return params;
    }

    /** Checks the arguments against the parameter list, then queues the kernel with {@code grid}. */
    public void launch(CudaBackend backend, LaunchGrid grid, Object... args) {
        check(args);
        backend.kernels().launch(family, name, grid.x(), grid.y(), grid.z(), grid.blockX(), grid.blockY(), 1,
                grid.sharedBytes(), args);
    }

    /** Throws {@link IllegalStateException} (a bug in the launcher, never in the caller's tensors) on a mismatch. */
    void check(Object... args) {
        if (args.length != params.size()) {
            throw new IllegalStateException(this + ": " + args.length + " arguments for " + params.size() + " parameters");
        }
        for (int i = 0; i < args.length; i++) {
            Arg p = params.get(i);
            if (args[i] == null || !p.carrier.isInstance(args[i])) {
                throw new IllegalStateException(this + ": parameter " + i + " is " + p + " (a " + p.carrier.getSimpleName()
                        + "), got " + (args[i] == null ? "null" : args[i].getClass().getSimpleName()));
            }
            if (p == Arg.GEOMETRY && ((MemorySegment) args[i]).byteSize() != 200) {
                throw new IllegalStateException(this + ": parameter " + i + " must be the 200-byte Geometry");
            }
        }
    }

    @Override
    public String toString() {
        return family + ".cu " + name + params;
    }
}
