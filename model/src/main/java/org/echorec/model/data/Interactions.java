package org.echorec.model.data;

import java.nio.file.Path;

/**
 * Interactions as read from a file, one row per line, in file order: three parallel columns
 * (user, item, timestamp) rather than one object per row, because files may hold millions of rows.
 *
 * <p>User and item ids are 0-based indices into the token tables, assigned in order of first
 * appearance in the rows, which is what RecBole's remapping ({@code pd.factorize}) does too.
 */
public final class Interactions {
    private final Path source;
    private final int[] users;
    private final int[] items;
    private final double[] timestamps;
    private final boolean timestamped;
    private final String[] userTokens;
    private final String[] itemTokens;

    Interactions(Path source, int[] users, int[] items, double[] timestamps, boolean timestamped,
                 String[] userTokens, String[] itemTokens) {
        if (users.length != items.length || users.length != timestamps.length) {
            throw new IllegalArgumentException("columns of different lengths");
        }
        this.source = source;
        this.users = users;
        this.items = items;
        this.timestamps = timestamps;
        this.timestamped = timestamped;
        this.userTokens = userTokens;
        this.itemTokens = itemTokens;
    }

    /** The file the rows came from, for messages. */
    public Path source() {
        return source;
    }

    public int size() {
        return users.length;
    }

    public int user(int row) {
        return users[row];
    }

    public int item(int row) {
        return items[row];
    }

    /** The row's timestamp, or its row index where the file had none (so sorting keeps file order). */
    public double timestamp(int row) {
        return timestamps[row];
    }

    /** Whether the file had a timestamp column. */
    public boolean hasTimestamps() {
        return timestamped;
    }

    public int userCount() {
        return userTokens.length;
    }

    public int itemCount() {
        return itemTokens.length;
    }

    public String userToken(int user) {
        return userTokens[user];
    }

    public String itemToken(int item) {
        return itemTokens[item];
    }

    // Whole columns for this package's bulk passes; never handed out.
    int[] userColumn() {
        return users;
    }

    int[] itemColumn() {
        return items;
    }

    double[] timestampColumn() {
        return timestamps;
    }
}
