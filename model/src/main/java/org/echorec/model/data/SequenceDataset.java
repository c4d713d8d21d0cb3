package org.echorec.model.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;

/**
 * One item sequence per user, oldest first: the input of sequential recommenders.
 *
 * <p>Items are renumbered {@code 1..n} in order of first appearance in the interactions, with 0
 * left for padding, as RecBole does; the numbering covers every item of the interactions, also those
 * seen only by dropped users, so {@link #itemCount()} equals RecBole's {@code item_num} on the same
 * (filtered) file. Users keep their order of first appearance.
 *
 * <p>Each user's interactions are sorted by timestamp with a stable sort: equal timestamps keep file
 * order. Users with fewer than {@value #MIN_LENGTH} interactions are dropped, because leave-one-out
 * needs one item to train on, one to validate and one to test.
 */
public final class SequenceDataset {
    /** Shortest sequence kept: a training item, a validation target and a test target. */
    public static final int MIN_LENGTH = 3;
    /** The token shown for item 0. */
    public static final String PADDING_TOKEN = "[PAD]";

    private final Path source;
    private final String[] userTokens;
    private final int[][] sequences;
    private final double[][] timestamps;
    private final String[] itemTokens;
    private final HashMap<String, Integer> itemIds;
    private final HashMap<String, Integer> userIndices;
    private final int droppedUsers;
    private final long interactionCount;

    private SequenceDataset(Path source, String[] userTokens, int[][] sequences, double[][] timestamps,
                            String[] itemTokens, int droppedUsers) {
        this.source = source;
        this.userTokens = userTokens;
        this.sequences = sequences;
        this.timestamps = timestamps;
        this.itemTokens = itemTokens;
        this.droppedUsers = droppedUsers;
        this.itemIds = HashMap.newHashMap(itemTokens.length);
        for (int id = 1; id < itemTokens.length; id++) {
            itemIds.put(itemTokens[id], id);
        }
        this.userIndices = HashMap.newHashMap(userTokens.length);
        for (int u = 0; u < userTokens.length; u++) {
            userIndices.put(userTokens[u], u);
        }
        long total = 0;
        for (int[] s : sequences) {
            total += s.length;
        }
        this.interactionCount = total;
    }

    public static SequenceDataset from(Interactions in) {
        int rows = in.size();
        int[] users = in.userColumn();
        int[] items = in.itemColumn();

        int[] itemIdOf = new int[in.itemCount()]; // 0 = not seen yet
        String[] itemTokens = new String[in.itemCount() + 1];
        itemTokens[0] = PADDING_TOKEN;
        int nextItem = 1;
        for (int r = 0; r < rows; r++) {
            if (itemIdOf[items[r]] == 0) {
                itemIdOf[items[r]] = nextItem;
                itemTokens[nextItem++] = in.itemToken(items[r]);
            }
        }

        // Rows grouped by user with a counting sort, which keeps file order within a user; users in
        // order of first appearance.
        int[] userRank = new int[in.userCount()];
        int[] userByRank = new int[in.userCount()];
        Arrays.fill(userRank, -1);
        int ranked = 0;
        int[] counts = new int[in.userCount()];
        for (int r = 0; r < rows; r++) {
            if (userRank[users[r]] < 0) {
                userByRank[ranked] = users[r];
                userRank[users[r]] = ranked++;
            }
            counts[userRank[users[r]]]++;
        }
        int[] start = new int[ranked + 1];
        for (int k = 0; k < ranked; k++) {
            start[k + 1] = start[k] + counts[k];
        }
        int[] grouped = new int[rows];
        int[] fill = Arrays.copyOf(start, ranked);
        for (int r = 0; r < rows; r++) {
            grouped[fill[userRank[users[r]]]++] = r;
        }

        double[] time = in.timestampColumn();
        int kept = 0;
        for (int k = 0; k < ranked; k++) {
            if (counts[k] >= MIN_LENGTH) {
                kept++;
            }
        }
        String[] userTokens = new String[kept];
        int[][] sequences = new int[kept][];
        double[][] times = new double[kept][];
        int u = 0;
        for (int k = 0; k < ranked; k++) {
            int n = counts[k];
            if (n < MIN_LENGTH) {
                continue;
            }
            StableSort.byKey(grouped, start[k], start[k + 1], time);
            int[] seq = new int[n];
            double[] ts = new double[n];
            for (int p = 0; p < n; p++) {
                int r = grouped[start[k] + p];
                seq[p] = itemIdOf[items[r]];
                ts[p] = time[r];
            }
            userTokens[u] = in.userToken(userByRank[k]);
            sequences[u] = seq;
            times[u] = ts;
            u++;
        }
        if (kept == 0) {
            throw new DataException(in.source() + ": no user has at least " + MIN_LENGTH
                    + " interactions, which leave-one-out needs (" + ranked + " users, all dropped)");
        }
        return new SequenceDataset(in.source(), userTokens, sequences, times, itemTokens, ranked - kept);
    }

    /** The file the interactions came from. */
    public Path source() {
        return source;
    }

    /** Users kept (with at least {@value #MIN_LENGTH} interactions). */
    public int userCount() {
        return sequences.length;
    }

    public String userToken(int user) {
        return userTokens[user];
    }

    /** The index of the user with this token, or -1 for one not in the data (or dropped). */
    public int userIndex(String token) {
        Integer u = userIndices.get(token);
        return u == null ? -1 : u;
    }

    /** Number of item ids including the padding id 0: the size of an item embedding table. */
    public int itemCount() {
        return itemTokens.length;
    }

    /** The token of an item id; {@value #PADDING_TOKEN} for 0. */
    public String itemToken(int id) {
        return itemTokens[id];
    }

    /** The id of the item with this token, or -1 for one not in the data. */
    public int itemId(String token) {
        Integer id = itemIds.get(token);
        return id == null ? -1 : id;
    }

    public int length(int user) {
        return sequences[user].length;
    }

    /** The user's item ids, oldest first (a copy). */
    public int[] sequence(int user) {
        return sequences[user].clone();
    }

    /** The user's timestamps in the order of {@link #sequence(int)} (a copy): non-decreasing. */
    public double[] timestamps(int user) {
        return timestamps[user].clone();
    }

    /** The shared array, for this package's batching, which must not copy. */
    int[] sequenceView(int user) {
        return sequences[user];
    }

    /** Users dropped for having fewer than {@value #MIN_LENGTH} interactions. */
    public int droppedUsers() {
        return droppedUsers;
    }

    /** Interactions of the kept users. */
    public long interactionCount() {
        return interactionCount;
    }

    public double averageLength() {
        return (double) interactionCount / sequences.length;
    }

    /** One line, e.g. {@code users 943, items 1682, interactions 100000, dropped users 0, average length 106.04}. */
    public String summary() {
        return String.format(Locale.ROOT, "users %d, items %d, interactions %d, dropped users %d, average length %.2f",
                userCount(), itemCount() - 1, interactionCount, droppedUsers, averageLength());
    }
}
