package org.echorec.model.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/**
 * Collects rows while a file streams by: tokens are interned to ints on arrival and the columns
 * grow by doubling, so memory stays near 16 bytes a row plus one string per distinct token.
 */
final class InteractionsBuilder {
    private final HashMap<String, Integer> userIds = new HashMap<>();
    private final HashMap<String, Integer> itemIds = new HashMap<>();
    private final List<String> userTokens = new ArrayList<>();
    private final List<String> itemTokens = new ArrayList<>();
    private int[] users = new int[1024];
    private int[] items = new int[1024];
    private double[] timestamps = new double[1024];
    private int size;

    int size() {
        return size;
    }

    void add(String user, String item, double timestamp) {
        add(userId(user), itemId(item), timestamp);
    }

    void add(int user, int item, double timestamp) {
        if (size == users.length) {
            int grown = Math.max(16, size + (size >> 1));
            users = Arrays.copyOf(users, grown);
            items = Arrays.copyOf(items, grown);
            timestamps = Arrays.copyOf(timestamps, grown);
        }
        users[size] = user;
        items[size] = item;
        timestamps[size] = timestamp;
        size++;
    }

    /** The id of a user token, a fresh one (the next integer) if it is new. */
    int userId(String token) {
        return intern(token, userIds, userTokens);
    }

    int itemId(String token) {
        return intern(token, itemIds, itemTokens);
    }

    String userToken(int id) {
        return userTokens.get(id);
    }

    private static int intern(String token, HashMap<String, Integer> ids, List<String> tokens) {
        Integer id = ids.get(token);
        if (id != null) {
            return id;
        }
        int fresh = tokens.size();
        ids.put(token, fresh);
        tokens.add(token);
        return fresh;
    }

    Interactions build(Path source, boolean timestamped) {
        return new Interactions(source, Arrays.copyOf(users, size), Arrays.copyOf(items, size),
                Arrays.copyOf(timestamps, size), timestamped,
                userTokens.toArray(String[]::new), itemTokens.toArray(String[]::new));
    }
}
