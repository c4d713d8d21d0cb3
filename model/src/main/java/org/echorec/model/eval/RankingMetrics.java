package org.echorec.model.eval;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * Full-ranking metrics over all items, HR@k, NDCG@k and MRR@k with one target per row, accumulated
 * row by row and averaged over rows.
 *
 * <p>The rank of the target is the number of candidate items with a <em>strictly greater</em> score
 * than the target's, counted in one pass without sorting. Ties are therefore resolved in the
 * target's favour (optimistic): a model that scores every item the same gets rank 0 everywhere, so a
 * broken model that outputs constants looks perfect instead of random; watch for that rather than
 * trust a suspiciously good number. A NaN target score ranks last; NaN candidates never outrank.
 *
 * <p>Candidates are item ids {@code 1..itemCount-1}: the padding id 0 never ranks. With an exclusion
 * list (the {@code --mask-history} convention) the listed items are not candidates either, except
 * the target itself, which is always ranked; repeated ids and zeros in the list are fine.
 *
 * <p>With rank r (0-based): HR@k = [r &lt; k], NDCG@k = 1/log2(r+2) if r &lt; k, MRR@k = 1/(r+1) if
 * r &lt; k. What is accumulated is a histogram of ranks below the largest cutoff, not sums of
 * floats, so the result is bit-identical however rows are split over threads and merged.
 *
 * <p>Thread safety: {@link #add} and {@link #merge} may be called from any thread; the intended use
 * is one accumulator per thread, merged at the end.
 */
public final class RankingMetrics {
    private static final int[] DEFAULT_CUTOFFS = {5, 10, 20};

    private final int[] cutoffs;
    /** rankCounts[r] = rows whose target had rank r, for r below the largest cutoff. */
    private final long[] rankCounts;
    private long count;

    /** HR, NDCG and MRR at 5, 10 and 20. */
    public RankingMetrics() {
        this(DEFAULT_CUTOFFS);
    }

    /** Metrics at the given cutoffs, strictly increasing and positive. */
    public RankingMetrics(int... cutoffs) {
        if (cutoffs.length == 0) {
            throw new IllegalArgumentException("no cutoffs");
        }
        for (int i = 0; i < cutoffs.length; i++) {
            if (cutoffs[i] < 1 || (i > 0 && cutoffs[i] <= cutoffs[i - 1])) {
                throw new IllegalArgumentException("cutoffs must be positive and increasing: " + Arrays.toString(cutoffs));
            }
        }
        this.cutoffs = cutoffs.clone();
        this.rankCounts = new long[cutoffs[cutoffs.length - 1]];
    }

    /**
     * Ranks one row's target and counts it. The row's scores are {@code scores[rowOffset,
     * rowOffset + itemCount)}, indexed by item id.
     */
    public void add(float[] scores, int rowOffset, int itemCount, int target, int[] excludeOrNull) {
        addRank(rank(scores, rowOffset, itemCount, target, excludeOrNull));
    }

    /** As {@link #add(float[], int, int, int, int[])} excluding {@code exclude[from, to)}, e.g. a row of a batch. */
    public void add(float[] scores, int rowOffset, int itemCount, int target, int[] exclude, int from, int to) {
        addRank(rank(scores, rowOffset, itemCount, target, exclude, from, to));
    }

    /** Counts a row whose target had this rank (0 = first). */
    public synchronized void addRank(int rank) {
        if (rank < 0) {
            throw new IllegalArgumentException("negative rank " + rank);
        }
        if (rank < rankCounts.length) {
            rankCounts[rank]++;
        }
        count++;
    }

    /** The target's rank: the number of candidates scored strictly higher (see the class comment). */
    public static int rank(float[] scores, int rowOffset, int itemCount, int target, int[] excludeOrNull) {
        return excludeOrNull == null
                ? rank(scores, rowOffset, itemCount, target, null, 0, 0)
                : rank(scores, rowOffset, itemCount, target, excludeOrNull, 0, excludeOrNull.length);
    }

    /** The target's rank with the candidates in {@code exclude[from, to)} left out (target excepted). */
    public static int rank(float[] scores, int rowOffset, int itemCount, int target, int[] exclude, int from, int to) {
        if (itemCount < 2) {
            throw new IllegalArgumentException("itemCount " + itemCount + " leaves no item besides padding");
        }
        if (target < 1 || target >= itemCount) {
            throw new IllegalArgumentException("target " + target + " is not an item id in 1.." + (itemCount - 1));
        }
        if (rowOffset < 0 || rowOffset + itemCount > scores.length) {
            throw new IllegalArgumentException("row [" + rowOffset + ", " + (rowOffset + itemCount)
                    + ") outside scores of length " + scores.length);
        }
        float t = scores[rowOffset + target];
        int[] excluded = distinctExcluded(exclude, from, to, itemCount, target);
        if (Float.isNaN(t)) {
            return itemCount - 2 - excluded.length; // every other candidate
        }
        int greater = 0;
        int end = rowOffset + itemCount;
        for (int i = rowOffset + 1; i < end; i++) { // from 1: padding never ranks
            greater += scores[i] > t ? 1 : 0;
        }
        for (int id : excluded) {
            greater -= scores[rowOffset + id] > t ? 1 : 0;
        }
        return greater;
    }

    /** The valid, distinct ids of an exclusion list other than padding and the target, sorted. */
    private static int[] distinctExcluded(int[] exclude, int from, int to, int itemCount, int target) {
        if (exclude == null || from == to) {
            return new int[0];
        }
        if (from < 0 || to > exclude.length || from > to) {
            throw new IllegalArgumentException("exclusion range [" + from + ", " + to + ") outside an array of " + exclude.length);
        }
        int[] ids = Arrays.copyOfRange(exclude, from, to);
        Arrays.sort(ids);
        int n = 0;
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id < 0 || id >= itemCount) {
                throw new IllegalArgumentException("excluded item " + id + " is not an item id in 0.." + (itemCount - 1));
            }
            if (id == 0 || id == target || (n > 0 && ids[n - 1] == id)) {
                continue;
            }
            ids[n++] = id;
        }
        return Arrays.copyOf(ids, n);
    }

    /**
     * Adds the rows of {@code other} to this accumulator. Safe while other threads add to either:
     * {@code other} is read under its own lock, then added under this one, never both at once, so two
     * threads merging into each other cannot deadlock.
     */
    public void merge(RankingMetrics other) {
        if (other == this) {
            throw new IllegalArgumentException("merging an accumulator into itself");
        }
        if (!Arrays.equals(cutoffs, other.cutoffs)) {
            throw new IllegalArgumentException("cutoffs differ: " + Arrays.toString(cutoffs) + " and " + Arrays.toString(other.cutoffs));
        }
        long[] theirCounts;
        long theirCount;
        synchronized (other) {
            theirCounts = other.rankCounts.clone();
            theirCount = other.count;
        }
        synchronized (this) {
            for (int r = 0; r < rankCounts.length; r++) {
                rankCounts[r] += theirCounts[r];
            }
            count += theirCount;
        }
    }

    /** Rows counted. */
    public synchronized long count() {
        return count;
    }

    /**
     * Means over the rows, in the order {@code hr@5, ndcg@5, mrr@5, hr@10, ...}; NaN for every metric
     * while no row has been counted (there is no mean of nothing).
     */
    public SequencedMap<String, Double> result() {
        long[] counts;
        long rows;
        synchronized (this) {
            counts = rankCounts.clone();
            rows = count;
        }
        SequencedMap<String, Double> out = new LinkedHashMap<>();
        for (int k : cutoffs) {
            long hits = 0;
            double ndcg = 0;
            double mrr = 0;
            for (int r = 0; r < k; r++) {
                hits += counts[r];
                ndcg += counts[r] / log2(r + 2);
                mrr += counts[r] / (double) (r + 1);
            }
            out.put("hr@" + k, rows == 0 ? Double.NaN : (double) hits / rows);
            out.put("ndcg@" + k, rows == 0 ? Double.NaN : ndcg / rows);
            out.put("mrr@" + k, rows == 0 ? Double.NaN : mrr / rows);
        }
        return out;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Override
    public String toString() {
        return "RankingMetrics" + result() + " over " + count() + " rows";
    }
}
