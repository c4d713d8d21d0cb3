package org.echorec.runtime.backend.cpu.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float vector species every SIMD kernel is written against, chosen once at class load:
 * the platform's preferred width, or {@code -Dechorec.simd.bits=128|256|512} (tests force each).
 * A static final constant, so the JIT folds it into every kernel.
 */
public final class SimdSpecies {
    public static final VectorSpecies<Float> F = pick(System.getProperty("echorec.simd.bits"));
    public static final int LANES = F.length();

    private SimdSpecies() {}

    private static VectorSpecies<Float> pick(String bits) {
        if (bits == null || bits.isBlank() || bits.equals("preferred")) {
            return FloatVector.SPECIES_PREFERRED;
        }
        return switch (bits.trim()) {
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException("echorec.simd.bits must be 128, 256 or 512, got " + bits);
        };
    }
}
