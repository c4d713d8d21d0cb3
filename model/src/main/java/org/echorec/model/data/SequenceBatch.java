package org.echorec.model.data;

/**
 * A batch of histories with their targets, laid out for a model: {@code items} is
 * {@code batch x maxLen}, row-major, each row RIGHT-padded like RecBole's: the real items first,
 * oldest to newest, then zeros. {@code lengths[r]} (1..maxLen) says where row r's real items end, so
 * the newest item of row r is {@code items[r * maxLen + lengths[r] - 1]}.
 *
 * <p>{@code targets[r]} is the item to predict (0 where unknown, as for {@code recommend}) and
 * {@code users[r]} the user index in the dataset (-1 where there is none). The arrays are shared, not
 * copied: treat them as read-only. Equality is the record's default, by array identity.
 */
public record SequenceBatch(int batch, int maxLen, int[] items, int[] lengths, int[] targets, int[] users) {
    public SequenceBatch {
        if (batch < 1 || maxLen < 1) {
            throw new IllegalArgumentException("batch " + batch + " and maxLen " + maxLen + " must be positive");
        }
        if (items.length != batch * maxLen || lengths.length != batch || targets.length != batch || users.length != batch) {
            throw new IllegalArgumentException("array lengths do not match batch " + batch + " x maxLen " + maxLen);
        }
    }

    /** The item at {@code position} of row {@code row} (0 past the row's length). */
    public int item(int row, int position) {
        return items[row * maxLen + position];
    }

    /** The newest item of a row, the one right before its target. */
    public int lastItem(int row) {
        return items[row * maxLen + lengths[row] - 1];
    }
}
