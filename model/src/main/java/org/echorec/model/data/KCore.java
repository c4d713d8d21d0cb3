package org.echorec.model.data;

/**
 * K-core filtering, RecBole's {@code user_inter_num_interval: "[u,inf)"} and
 * {@code item_inter_num_interval: "[i,inf)"}: users with fewer than u interactions and items with
 * fewer than i are dropped, again and again, because each removal can push others below their
 * threshold, until nothing changes.
 *
 * <p>The result does not depend on the order of removal (it is the largest set of rows in which
 * every user and item meets its threshold), so dropping all offenders of a round at once, as RecBole
 * does, gives the same rows as any other order.
 */
public final class KCore {
    private KCore() {}

    /** The rows that survive; the input when both thresholds are at most 1 (nothing can be dropped). */
    public static Interactions filter(Interactions in, int minUserInteractions, int minItemInteractions) {
        if (minUserInteractions <= 1 && minItemInteractions <= 1) {
            return in;
        }
        int[] users = in.userColumn();
        int[] items = in.itemColumn();
        int[] userCounts = new int[in.userCount()];
        int[] itemCounts = new int[in.itemCount()];
        for (int r = 0; r < in.size(); r++) {
            userCounts[users[r]]++;
            itemCounts[items[r]]++;
        }
        // Surviving row indices, in file order, compacted each round.
        int[] alive = new int[in.size()];
        for (int r = 0; r < alive.length; r++) {
            alive[r] = r;
        }
        int aliveCount = alive.length;
        while (true) {
            int kept = 0;
            for (int k = 0; k < aliveCount; k++) {
                int r = alive[k];
                if (userCounts[users[r]] >= minUserInteractions && itemCounts[items[r]] >= minItemInteractions) {
                    alive[kept++] = r;
                } else {
                    // Counting the removal at once may drop more rows within this round than RecBole's
                    // round does; by the uniqueness above the end result is the same.
                    userCounts[users[r]]--;
                    itemCounts[items[r]]--;
                }
            }
            if (kept == aliveCount) {
                break;
            }
            aliveCount = kept;
        }
        if (aliveCount == 0) {
            throw new DataException(in.source() + ": no interactions left after filtering to users with at least "
                    + minUserInteractions + " and items with at least " + minItemInteractions + " interactions");
        }
        // Re-intern so ids stay dense and in order of first appearance among the survivors.
        InteractionsBuilder out = new InteractionsBuilder();
        for (int k = 0; k < aliveCount; k++) {
            int r = alive[k];
            out.add(in.userToken(users[r]), in.itemToken(items[r]), in.timestamp(r));
        }
        return out.build(in.source(), in.hasTimestamps());
    }
}
