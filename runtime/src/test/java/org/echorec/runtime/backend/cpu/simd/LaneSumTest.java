package org.echorec.runtime.backend.cpu.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("kernel")
class LaneSumTest {

    /** The balanced tree LaneSum promises, written out in scalar code. */
    private static float tree(float[] lanes) {
        float[] v = lanes.clone();
        for (int distance = v.length / 2; distance >= 1; distance /= 2) {
            float[] next = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                next[i] = v[i] + v[i ^ distance];
            }
            v = next;
        }
        return v[0];
    }

    @Test
    void sameTreeInEveryTierOfTheJit() {
        int lanes = SimdSpecies.LANES;
        java.util.Random random = new java.util.Random(3);
        float[][] inputs = new float[64][lanes];
        float[] want = new float[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            for (int i = 0; i < lanes; i++) {
                // mixed magnitudes so that a different order of additions rounds differently
                inputs[k][i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(7) - 3));
            }
            want[k] = tree(inputs[k]);
        }
        // enough calls for the interpreter, C1 and C2 to each produce some of them
        for (int round = 0; round < 4000; round++) {
            for (int k = 0; k < inputs.length; k++) {
                float got = LaneSum.of(FloatVector.fromArray(SimdSpecies.F, inputs[k], 0));
                if (Float.floatToIntBits(got) != Float.floatToIntBits(want[k])) {
                    assertEquals(want[k], got, 0f, "round " + round + ", input " + k);
                }
            }
        }
    }
}
