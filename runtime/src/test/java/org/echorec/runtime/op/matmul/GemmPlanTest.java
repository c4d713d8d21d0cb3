package org.echorec.runtime.op.matmul;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.echorec.runtime.op.matmul.GemmPlan.Split;
import org.junit.jupiter.api.Test;

/** The decisions of Note: GEMM threading, on the shapes the models run (2 threads, 512-bit vectors). */
class GemmPlanTest {
    private static final int LANES = 16;

    @Test
    void theModelShapesGetTheSplitThatDuplicatesLeast() {
        assertEquals(Split.M, GemmPlan.split(102400, 256, 64, 2, LANES, false), "activations × weight");
        assertEquals(Split.M, GemmPlan.split(102400, 64, 256, 2, LANES, true), "activations × weightᵀ");
        assertEquals(Split.N, GemmPlan.split(2048, 12102, 64, 2, LANES, true), "scoring against the item matrix");
        assertEquals(Split.K, GemmPlan.split(64, 256, 102400, 2, LANES, false), "weight gradient, out = 64");
        assertEquals(Split.K, GemmPlan.split(256, 64, 102400, 2, LANES, false), "weight gradient, in = 64");
    }

    @Test
    void smallProductsAndOneThreadStayOnOneThread() {
        assertEquals(Split.NONE, GemmPlan.split(64, 64, 64, 2, LANES, false));
        assertEquals(Split.NONE, GemmPlan.split(1024, 1024, 1024, 1, LANES, false));
    }

    @Test
    void kBlocksAreEvenAndBounded() {
        for (int k : new int[] {1, 255, 256, 257, 600, 102400}) {
            int blocks = GemmPlan.kBlocks(k);
            int shortest = Integer.MAX_VALUE;
            int longest = 0;
            for (int p = 0; p < blocks; p++) {
                int len = GemmPlan.kStart(0, k, blocks, p + 1) - GemmPlan.kStart(0, k, blocks, p);
                shortest = Math.min(shortest, len);
                longest = Math.max(longest, len);
            }
            assertEquals(k, GemmPlan.kStart(0, k, blocks, blocks));
            assertTrue(longest <= GemmPlan.KC && longest - shortest <= 1, "k=" + k);
        }
    }
}
