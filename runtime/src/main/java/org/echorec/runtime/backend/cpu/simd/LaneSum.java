package org.echorec.runtime.backend.cpu.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a vector's lanes in one fixed order, whatever the JIT tier.
 *
 * <p>{@code reduceLanes(ADD)} leaves the order of its additions to the implementation, and the
 * Java fallback (interpreter, C1) and the C2 intrinsic do differ: the same kernel gave results one
 * ulp apart before and after it was compiled, so a backward pass run twice was not bit-identical.
 * Here every step is a lane-wise add of the vector and its lanes swapped at distance
 * {@code LANES/2, LANES/4, …, 1}: a balanced tree that is the same in every tier, and as cheap as
 * the intrinsic on x86 (one permute and one add per level).
 */
public final class LaneSum {
    private static final VectorSpecies<Float> S = SimdSpecies.F;
    private static final VectorShuffle<Float>[] SWAPS = swaps();

    private LaneSum() {}

    public static float of(FloatVector v) {
        for (VectorShuffle<Float> swap : SWAPS) {
            v = v.add(v.rearrange(swap));
        }
        return v.lane(0);
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] swaps() {
        int levels = Integer.numberOfTrailingZeros(S.length());
        VectorShuffle<Float>[] swaps = new VectorShuffle[levels];
        for (int level = 0; level < levels; level++) {
            int distance = S.length() >> (level + 1);
            swaps[level] = VectorShuffle.fromOp(S, i -> i ^ distance);
        }
        return swaps;
    }
}
