package org.echorec.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RankingMetricsTest {
    private static final double EPS = 1e-12;

    /** Scores for items 0..n-1 where item i scores {@code n - i}: item 1 first, item 2 second, ... */
    private static float[] descending(int n) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = n - i;
        }
        s[0] = -1000; // padding scores low here; other tests make it high
        return s;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Test
    void rankZeroScoresOneEverywhere() {
        RankingMetrics m = new RankingMetrics();
        m.add(descending(30), 0, 30, 1, null);
        Map<String, Double> r = m.result();
        for (double v : r.values()) {
            assertEquals(1.0, v, EPS);
        }
        assertEquals(1, m.count());
    }

    @Test
    void rankThreeAtFive() {
        RankingMetrics m = new RankingMetrics();
        assertEquals(3, RankingMetrics.rank(descending(30), 0, 30, 4, null));
        m.add(descending(30), 0, 30, 4, null);
        Map<String, Double> r = m.result();
        assertEquals(1.0, r.get("hr@5"), EPS);
        assertEquals(1 / log2(5), r.get("ndcg@5"), EPS);
        assertEquals(0.25, r.get("mrr@5"), EPS);
        assertEquals(1 / log2(5), r.get("ndcg@20"), EPS);
    }

    @Test
    void rankTwelveCountsAtTwentyOnly() {
        RankingMetrics m = new RankingMetrics();
        m.add(descending(30), 0, 30, 13, null);
        Map<String, Double> r = m.result();
        for (String metric : List.of("hr@5", "ndcg@5", "mrr@5", "hr@10", "ndcg@10", "mrr@10")) {
            assertEquals(0.0, r.get(metric), metric);
        }
        assertEquals(1.0, r.get("hr@20"), EPS);
        assertEquals(1 / log2(14), r.get("ndcg@20"), EPS);
        assertEquals(1 / 13.0, r.get("mrr@20"), EPS);
    }

    @Test
    void rankTwentyIsAMissEverywhere() {
        RankingMetrics m = new RankingMetrics();
        m.add(descending(30), 0, 30, 21, null);
        assertTrue(m.result().values().stream().allMatch(v -> v == 0.0));
    }

    @Test
    void meansOverRowsInOrderedKeys() {
        RankingMetrics m = new RankingMetrics();
        m.add(descending(30), 0, 30, 1, null);  // rank 0
        m.add(descending(30), 0, 30, 7, null);  // rank 6
        Map<String, Double> r = m.result();
        assertEquals(List.of("hr@5", "ndcg@5", "mrr@5", "hr@10", "ndcg@10", "mrr@10", "hr@20", "ndcg@20", "mrr@20"),
                new ArrayList<>(r.keySet()));
        assertEquals(0.5, r.get("hr@5"), EPS);
        assertEquals(1.0, r.get("hr@10"), EPS);
        assertEquals((1 + 1 / log2(8)) / 2, r.get("ndcg@10"), EPS);
        assertEquals((1 + 1 / 7.0) / 2, r.get("mrr@10"), EPS);
    }

    @Test
    void tiesAreResolvedInTheTargetsFavour() {
        float[] s = {0, 5, 3, 5, 5, 9};
        assertEquals(1, RankingMetrics.rank(s, 0, 6, 3, null), "only item 5 is strictly higher; 1 and 4 tie");
        float[] constant = new float[100];
        assertEquals(0, RankingMetrics.rank(constant, 0, 100, 42, null), "all equal: rank 0 (optimistic)");
    }

    @Test
    void paddingNeverRanks() {
        float[] s = {1e9f, 1, 2, 3};
        assertEquals(0, RankingMetrics.rank(s, 0, 4, 3, null));
        assertEquals(2, RankingMetrics.rank(s, 0, 4, 1, null));
        assertThrows(IllegalArgumentException.class, () -> RankingMetrics.rank(s, 0, 4, 0, null), "padding is no target");
    }

    @Test
    void maskingExcludesHistoryButNeverTheTarget() {
        //              0  1  2  3  4  5  6
        float[] s = {99, 9, 8, 7, 6, 5, 4};
        assertEquals(4, RankingMetrics.rank(s, 0, 7, 5, null));
        // History 1, 3 (scored above the target) and 6 (below): rank drops by two.
        assertEquals(2, RankingMetrics.rank(s, 0, 7, 5, new int[] {1, 3, 6}));
        // Repeats, padding zeros and the target itself in the history change nothing more.
        assertEquals(2, RankingMetrics.rank(s, 0, 7, 5, new int[] {3, 1, 3, 5, 0, 0, 1, 6}));
        // A sub-range, as when passing a row of a batch: only items[1, 3) = {1, 2}.
        assertEquals(2, RankingMetrics.rank(s, 0, 7, 5, new int[] {3, 1, 2, 4}, 1, 3));
        RankingMetrics m = new RankingMetrics();
        m.add(s, 0, 7, 5, new int[] {1, 2, 3, 4, 0});
        assertEquals(1.0, m.result().get("mrr@5"), EPS, "all higher items were history");
        assertThrows(IllegalArgumentException.class, () -> RankingMetrics.rank(s, 0, 7, 5, new int[] {7}));
    }

    @Test
    void rowsAreReadAtTheirOffset() {
        // Two rows of 4 items in one array: row 1 starts at 4.
        float[] s = {0, 1, 2, 3, /* row 1 */ 0, 3, 2, 1};
        assertEquals(2, RankingMetrics.rank(s, 0, 4, 1, null));
        assertEquals(0, RankingMetrics.rank(s, 4, 4, 1, null));
        assertThrows(IllegalArgumentException.class, () -> RankingMetrics.rank(s, 5, 4, 1, null));
    }

    @Test
    void nanTargetRanksLastAndNanCandidatesNeverOutrank() {
        float[] s = {0, Float.NaN, 1, 2, 3};
        assertEquals(3, RankingMetrics.rank(s, 0, 5, 1, null));
        assertEquals(2, RankingMetrics.rank(s, 0, 5, 1, new int[] {4}));
        assertEquals(0, RankingMetrics.rank(s, 0, 5, 4, null));
    }

    @Test
    void emptyAccumulatorGivesNaN() {
        RankingMetrics m = new RankingMetrics();
        assertEquals(0, m.count());
        assertTrue(m.result().values().stream().allMatch(v -> v.isNaN()));
    }

    @Test
    void otherCutoffs() {
        RankingMetrics m = new RankingMetrics(1, 50);
        m.add(descending(60), 0, 60, 31, null); // rank 30
        assertEquals(List.of("hr@1", "ndcg@1", "mrr@1", "hr@50", "ndcg@50", "mrr@50"), new ArrayList<>(m.result().keySet()));
        assertEquals(1 / 31.0, m.result().get("mrr@50"), EPS);
        assertThrows(IllegalArgumentException.class, () -> new RankingMetrics(10, 5));
        assertThrows(IllegalArgumentException.class, () -> m.merge(new RankingMetrics()));
    }

    @Test
    void mergedAccumulatorsFromThreadsEqualOneSequentialPass() throws Exception {
        int items = 500;
        int rows = 2000;
        SplittableRandom random = new SplittableRandom(5);
        float[] scores = new float[rows * items];
        int[] targets = new int[rows];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) random.nextGaussian();
        }
        for (int r = 0; r < rows; r++) {
            targets[r] = 1 + random.nextInt(items - 1);
            scores[r * items + targets[r]] += 2.5f; // ranks spread over the cutoffs
        }
        RankingMetrics sequential = new RankingMetrics();
        for (int r = 0; r < rows; r++) {
            sequential.add(scores, r * items, items, targets[r], null);
        }
        RankingMetrics total = new RankingMetrics();
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    RankingMetrics mine = new RankingMetrics();
                    for (int r = first; r < rows; r += threads) {
                        mine.add(scores, r * items, items, targets[r], null);
                    }
                    total.merge(mine);
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(rows, total.count());
        assertEquals(sequential.result(), total.result(), "bit-identical, whatever the split");
        double hr20 = total.result().get("hr@20");
        assertTrue(hr20 > 0.05 && hr20 < 0.95, "the test data spreads ranks: hr@20 " + hr20);
    }
}
