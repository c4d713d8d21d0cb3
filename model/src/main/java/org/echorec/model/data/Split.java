package org.echorec.model.data;

import java.util.Arrays;

/**
 * Leave-one-out split of a {@link SequenceDataset}, RecBole's {@code LS: valid_and_test} with
 * training prefixes. For a user sequence {@code s} of length {@code n}:
 * <ul>
 *   <li>test: target {@code s[n-1]}, history {@code s[0, n-1)};</li>
 *   <li>validation: target {@code s[n-2]}, history {@code s[0, n-2)};</li>
 *   <li>training: target {@code s[i]}, history {@code s[0, i)}, for every {@code i} in {@code 1..n-3}
 *       (every prefix of the training part {@code s[0, n-2)} that has a target after it).</li>
 * </ul>
 * A sample is a user and an end index (the target's position; the history is everything before
 * it), so nothing is copied. Validation and test have one sample per user, sample {@code k} being
 * user {@code k}.
 */
public final class Split {
    private final SequenceDataset data;
    /** {@code trainStart[u]} = index of user u's first training sample; one more entry for the total. */
    private final int[] trainStart;

    private Split(SequenceDataset data, int[] trainStart) {
        this.data = data;
        this.trainStart = trainStart;
    }

    public static Split leaveOneOut(SequenceDataset data) {
        int users = data.userCount();
        int[] trainStart = new int[users + 1];
        long total = 0;
        for (int u = 0; u < users; u++) {
            trainStart[u] = (int) total;
            total += trainingSamplesOf(data.length(u));
            if (total > Integer.MAX_VALUE - 8) {
                throw new DataException(data.source() + ": more than 2^31 training samples");
            }
        }
        trainStart[users] = (int) total;
        return new Split(data, trainStart);
    }

    private static int trainingSamplesOf(int length) {
        return Math.max(0, length - 3);
    }

    public SequenceDataset dataset() {
        return data;
    }

    /** Number of samples of a stage: the training prefixes, or one per user. */
    public int size(Stage stage) {
        return stage == Stage.TRAIN ? trainStart[data.userCount()] : data.userCount();
    }

    /** The user of a sample. */
    public int user(Stage stage, int sample) {
        if (stage != Stage.TRAIN) {
            return sample;
        }
        checkTrainSample(sample);
        // The last user whose first sample is at or before this one: users without training samples
        // share their start with the next user, so this must be the upper bound, not any match.
        int lo = 0;
        int hi = trainStart.length; // one past the end: stands for +infinity
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (trainStart[mid] <= sample) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The position of the sample's target in its user's sequence; the history is everything before. */
    public int end(Stage stage, int sample) {
        return switch (stage) {
            case TRAIN -> {
                int u = user(stage, sample);
                yield sample - trainStart[u] + 1;
            }
            case VALID -> data.length(sample) - 2;
            case TEST -> data.length(sample) - 1;
        };
    }

    /** The item to predict. */
    public int target(Stage stage, int sample) {
        return data.sequenceView(user(stage, sample))[end(stage, sample)];
    }

    /** The whole history before the target, oldest first (a copy, untruncated). */
    public int[] history(Stage stage, int sample) {
        return Arrays.copyOf(data.sequenceView(user(stage, sample)), end(stage, sample));
    }

    private void checkTrainSample(int sample) {
        if (sample < 0 || sample >= trainStart[data.userCount()]) {
            throw new IndexOutOfBoundsException("training sample " + sample + " of " + trainStart[data.userCount()]);
        }
    }
}
