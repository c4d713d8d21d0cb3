package org.echorec.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatcherTest {
    @TempDir
    Path dir;

    private Split split(String content) throws IOException {
        Path file = dir.resolve("b.txt");
        Files.writeString(file, content);
        return Split.leaveOneOut(SequenceDataset.from(InteractionReader.read(file)));
    }

    /** One user with items 1..n in order. */
    private Split oneUser(int n) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            text.append("u i").append(i).append('\n');
        }
        return split(text.toString());
    }

    /** Users with lengths 3..(3+users), items shared, so there are many training samples. */
    private Split manyUsers(int users) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int u = 0; u < users; u++) {
            for (int i = 0; i < 3 + u; i++) {
                text.append('u').append(u).append(" i").append((u * 31 + i * 7) % 50).append('\n');
            }
        }
        return split(text.toString());
    }

    @Test
    void rightPadsShortHistoriesWithZeros() throws IOException {
        Split s = oneUser(6); // s = [1..6], test history [1..5], valid history [1..4]
        SequenceBatch test = Batcher.evalBatches(s, Stage.TEST, 8, 10).getFirst();
        assertEquals(1, test.batch());
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 0, 0, 0}, test.items());
        assertArrayEquals(new int[] {5}, test.lengths());
        assertArrayEquals(new int[] {6}, test.targets());
        assertArrayEquals(new int[] {0}, test.users());
        assertEquals(5, test.lastItem(0));
        SequenceBatch valid = Batcher.evalBatches(s, Stage.VALID, 8, 10).getFirst();
        assertArrayEquals(new int[] {1, 2, 3, 4, 0, 0, 0, 0}, valid.items());
        assertArrayEquals(new int[] {5}, valid.targets());
    }

    @Test
    void truncationKeepsTheMostRecentItems() throws IOException {
        Split s = oneUser(10); // test history [1..9]
        SequenceBatch test = Batcher.evalBatches(s, Stage.TEST, 4, 1).getFirst();
        assertArrayEquals(new int[] {6, 7, 8, 9}, test.items());
        assertArrayEquals(new int[] {4}, test.lengths());
        assertArrayEquals(new int[] {10}, test.targets());
        // Training prefixes in order (unshuffled): histories [1], [1 2], ..., [1..7] truncated to 4.
        SequenceBatch train = Batcher.evalBatches(s, Stage.TRAIN, 4, 100).getFirst();
        assertEquals(7, train.batch());
        assertArrayEquals(new int[] {1, 0, 0, 0}, Arrays.copyOfRange(train.items(), 0, 4));
        assertArrayEquals(new int[] {4, 5, 6, 7}, Arrays.copyOfRange(train.items(), 24, 28));
        assertArrayEquals(new int[] {1, 2, 3, 4, 4, 4, 4}, train.lengths());
        assertArrayEquals(new int[] {2, 3, 4, 5, 6, 7, 8}, train.targets());
    }

    @Test
    void evalBatchesAreInUserOrderWithASmallerLastBatch() throws IOException {
        Split s = manyUsers(7);
        List<SequenceBatch> batches = Batcher.evalBatches(s, Stage.TEST, 5, 3);
        assertEquals(3, batches.size());
        assertArrayEquals(new int[] {0, 1, 2}, batches.get(0).users());
        assertArrayEquals(new int[] {3, 4, 5}, batches.get(1).users());
        assertArrayEquals(new int[] {6}, batches.get(2).users());
        assertEquals(1, batches.get(2).batch());
        for (SequenceBatch b : batches) {
            for (int r = 0; r < b.batch(); r++) {
                assertEquals(s.target(Stage.TEST, b.users()[r]), b.targets()[r]);
            }
        }
    }

    @Test
    void shuffleIsDeterministicPerSeedAndEpochAndCoversEverySampleOnce() throws IOException {
        Split s = manyUsers(20); // sum over lengths 3..22 of (n-3) = 190 training samples
        int n = s.size(Stage.TRAIN);
        assertEquals(190, n);
        int[] epoch0 = Batcher.trainOrder(s, 42, 0);
        assertArrayEquals(epoch0, Batcher.trainOrder(s, 42, 0), "same seed and epoch, same order");
        int[] epoch1 = Batcher.trainOrder(s, 42, 1);
        assertFalse(Arrays.equals(epoch0, epoch1), "another epoch, another order");
        assertFalse(Arrays.equals(epoch0, Batcher.trainOrder(s, 43, 0)), "another seed, another order");
        for (int[] order : List.of(epoch0, epoch1)) {
            int[] sorted = order.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < n; i++) {
                assertEquals(i, sorted[i], "every sample exactly once");
            }
        }
        int[] identity = new int[n];
        Arrays.setAll(identity, i -> i);
        assertFalse(Arrays.equals(identity, epoch0), "actually shuffled");
    }

    @Test
    void trainBatchesFollowTheShuffledOrderAndCoverTheEpoch() throws IOException {
        Split s = manyUsers(20);
        int[] order = Batcher.trainOrder(s, 7, 3);
        List<SequenceBatch> batches = Batcher.trainBatches(s, 6, 32, 7, 3);
        assertEquals(6, batches.size()); // 190 = 5 * 32 + 30
        assertEquals(30, batches.getLast().batch());
        int k = 0;
        for (SequenceBatch b : batches) {
            for (int r = 0; r < b.batch(); r++, k++) {
                int sample = order[k];
                int[] history = s.history(Stage.TRAIN, sample);
                int[] recent = Arrays.copyOfRange(history, Math.max(0, history.length - 6), history.length);
                assertEquals(s.user(Stage.TRAIN, sample), b.users()[r]);
                assertEquals(s.target(Stage.TRAIN, sample), b.targets()[r]);
                assertEquals(recent.length, b.lengths()[r]);
                int[] row = Arrays.copyOfRange(b.items(), r * 6, r * 6 + 6);
                assertArrayEquals(recent, Arrays.copyOf(row, recent.length));
                for (int p = recent.length; p < 6; p++) {
                    assertEquals(0, row[p], "right padding");
                }
            }
        }
        assertEquals(190, k);
        assertArrayEquals(batches.get(2).items(), Batcher.trainBatches(s, 6, 32, 7, 3).get(2).items(), "rebuilt batch is equal");
    }

    @Test
    void batchesFromCallerHistories() {
        SequenceBatch b = Batcher.fromHistories(List.of(new int[] {4, 5}, new int[] {1, 2, 3, 4, 5, 6}), 4);
        assertEquals(2, b.batch());
        assertArrayEquals(new int[] {4, 5, 0, 0, 3, 4, 5, 6}, b.items());
        assertArrayEquals(new int[] {2, 4}, b.lengths());
        assertArrayEquals(new int[] {0, 0}, b.targets());
        assertArrayEquals(new int[] {-1, -1}, b.users());
        assertThrows(IllegalArgumentException.class, () -> Batcher.fromHistories(List.of(new int[0]), 4));
        assertThrows(IllegalArgumentException.class, () -> Batcher.fromHistories(List.of(new int[] {0, 1}), 4));
        assertThrows(IllegalArgumentException.class, () -> Batcher.fromHistories(List.of(), 4));
    }

    @Test
    void batchingIsFastEnoughForTraining() throws IOException {
        // A guard against accidental quadratic work, far below the real rate (millions of samples/s).
        Split s = manyUsers(300); // ~45k samples
        long start = System.nanoTime();
        long rows = 0;
        for (SequenceBatch b : Batcher.trainBatches(s, 50, 256, 1, 0)) {
            rows += b.batch();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(s.size(Stage.TRAIN), rows);
        assertEquals(true, rows / seconds > 10_000, rows + " samples in " + seconds + " s");
    }
}
