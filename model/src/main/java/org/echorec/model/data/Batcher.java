package org.echorec.model.data;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;
import java.util.SplittableRandom;

/**
 * Turns the samples of a {@link Split} into {@link SequenceBatch}es. Histories longer than
 * {@code maxLen} keep their most recent {@code maxLen} items. Batches are built when asked for
 * ({@link List#get}), so an epoch never holds more than the batch in hand; building one again gives
 * equal contents.
 */
public final class Batcher {
    private Batcher() {}

    /**
     * The training samples in an order shuffled by {@code (seed, epoch)}: the same pair gives the
     * same order on every run and machine, another epoch another order. The last batch may be smaller.
     */
    public static List<SequenceBatch> trainBatches(Split split, int maxLen, int batchSize, long seed, int epoch) {
        return new Batches(split, Stage.TRAIN, trainOrder(split, seed, epoch), maxLen, batchSize);
    }

    /** Validation or test samples (or training ones, unshuffled) in user order. */
    public static List<SequenceBatch> evalBatches(Split split, Stage stage, int maxLen, int batchSize) {
        return new Batches(split, stage, null, maxLen, batchSize);
    }

    /**
     * The permutation of the training samples for an epoch: Fisher–Yates driven by a
     * {@link SplittableRandom} seeded from the run seed and the epoch. The epoch is mixed (SplitMix64's
     * finalizer) rather than added, so that (seed, epoch + 1) and (seed + 1, epoch) differ.
     */
    public static int[] trainOrder(Split split, long seed, int epoch) {
        int n = split.size(Stage.TRAIN);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed ^ mix(epoch + 0x9E3779B97F4A7C15L));
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * A batch of caller-given histories (item ids, oldest first), e.g. for {@code recommend}:
     * targets 0 and users -1. Each history needs at least one item; only the last {@code maxLen} are used.
     */
    public static SequenceBatch fromHistories(List<int[]> histories, int maxLen) {
        int batch = histories.size();
        if (batch == 0) {
            throw new IllegalArgumentException("no histories");
        }
        checkMaxLen(maxLen);
        int[] items = new int[batch * maxLen];
        int[] lengths = new int[batch];
        for (int r = 0; r < batch; r++) {
            int[] h = histories.get(r);
            if (h.length == 0) {
                throw new IllegalArgumentException("history " + r + " is empty");
            }
            for (int id : h) {
                if (id < 1) {
                    throw new IllegalArgumentException("history " + r + " holds item id " + id + "; ids start at 1 (0 is padding)");
                }
            }
            lengths[r] = copyRecent(h, h.length, items, r * maxLen, maxLen);
        }
        return new SequenceBatch(batch, maxLen, items, lengths, new int[batch], filled(batch, -1));
    }

    /** Copies the last {@code maxLen} items of {@code seq[0, end)} to {@code out[at, ...)}; returns how many. */
    private static int copyRecent(int[] seq, int end, int[] out, int at, int maxLen) {
        int from = Math.max(0, end - maxLen);
        System.arraycopy(seq, from, out, at, end - from);
        return end - from;
    }

    private static int[] filled(int n, int value) {
        int[] a = new int[n];
        Arrays.fill(a, value);
        return a;
    }

    private static void checkMaxLen(int maxLen) {
        if (maxLen < 1) {
            throw new IllegalArgumentException("maxLen must be at least 1, got " + maxLen);
        }
    }

    /** The batches of one pass over one stage, in a given sample order (null: sample order). */
    private static final class Batches extends AbstractList<SequenceBatch> implements RandomAccess {
        private final Split split;
        private final Stage stage;
        private final int[] order;
        private final int maxLen;
        private final int batchSize;
        private final int samples;

        Batches(Split split, Stage stage, int[] order, int maxLen, int batchSize) {
            checkMaxLen(maxLen);
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
            }
            this.split = split;
            this.stage = stage;
            this.order = order;
            this.maxLen = maxLen;
            this.batchSize = batchSize;
            this.samples = split.size(stage);
        }

        @Override
        public int size() {
            return (int) (((long) samples + batchSize - 1) / batchSize);
        }

        @Override
        public SequenceBatch get(int index) {
            if (index < 0 || index >= size()) {
                throw new IndexOutOfBoundsException("batch " + index + " of " + size());
            }
            int first = index * batchSize;
            int batch = Math.min(batchSize, samples - first);
            int[] items = new int[batch * maxLen];
            int[] lengths = new int[batch];
            int[] targets = new int[batch];
            int[] users = new int[batch];
            SequenceDataset data = split.dataset();
            for (int r = 0; r < batch; r++) {
                int sample = order == null ? first + r : order[first + r];
                int user = split.user(stage, sample);
                int end = split.end(stage, sample);
                int[] seq = data.sequenceView(user);
                lengths[r] = copyRecent(seq, end, items, r * maxLen, maxLen);
                targets[r] = seq[end];
                users[r] = user;
            }
            return new SequenceBatch(batch, maxLen, items, lengths, targets, users);
        }
    }
}
