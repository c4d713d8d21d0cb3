package org.echorec.runtime.backend.cpu;

import org.echorec.runtime.op.Ops;

/**
 * The one gate to the Vector API: every class that imports {@code jdk.incubator.vector} is reached
 * only through {@link #best()}, which loads it by name after checking the module is present. A JVM
 * without the module runs the plain-Java kernels and says why in one line.
 */
public final class CpuKernels {
    static final String SIMD_OPS = "org.echorec.runtime.backend.cpu.simd.SimdOps";

    private CpuKernels() {}

    /** The Vector API kernels where this JVM can run them, else the plain ones. */
    public static Ops best() {
        String mode = System.getProperty("echorec.simd", "auto").trim();
        if (mode.equals("off")) {
            warn("SIMD off (-Dechorec.simd=off): using the plain-Java kernels");
            return new PlainOps();
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            warn("SIMD off: add --add-modules jdk.incubator.vector to the java command; using the plain-Java kernels");
            return new PlainOps();
        }
        try {
            return (Ops) Class.forName(SIMD_OPS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            warn("SIMD off: the Vector API kernels did not load (" + e + "); using the plain-Java kernels");
            return new PlainOps();
        }
    }

    /** The plain-Java kernels, always available. */
    public static Ops plain() {
        return new PlainOps();
    }

    /** True when {@code kernels} are the Vector API ones. */
    public static boolean isSimd(Ops kernels) {
        return kernels.getClass().getName().equals(SIMD_OPS);
    }

    static String describe(Ops kernels) {
        if (!isSimd(kernels)) {
            return "plain Java kernels";
        }
        try {
            int bits = (int) kernels.getClass().getMethod("bits").invoke(null);
            return "Vector API kernels, " + bits + "-bit float vectors";
        } catch (ReflectiveOperationException e) {
            return "Vector API kernels";
        }
    }

    private static void warn(String line) {
        System.err.println("echorec: " + line);
    }
}
