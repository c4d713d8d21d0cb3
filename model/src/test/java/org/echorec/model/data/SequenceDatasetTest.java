package org.echorec.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceDatasetTest {
    @TempDir
    Path dir;

    private SequenceDataset dataset(String content) throws IOException {
        Path file = dir.resolve("d.txt");
        Files.writeString(file, content);
        return SequenceDataset.from(InteractionReader.read(file));
    }

    /** The user's sequence as item tokens. */
    private static String tokens(SequenceDataset d, int user) {
        StringBuilder b = new StringBuilder();
        for (int id : d.sequence(user)) {
            b.append(d.itemToken(id));
        }
        return b.toString();
    }

    @Test
    void sortsByTimestampKeepingFileOrderForEqualTimes() throws IOException {
        SequenceDataset d = dataset("""
                u c 20
                u a 10
                u x 20
                u b 10
                u y 20
                u z 5
                """);
        assertEquals("zabcxy", tokens(d, 0), "10s in file order a,b; 20s in file order c,x,y");
        assertArrayEquals(new double[] {5, 10, 10, 20, 20, 20}, d.timestamps(0));
    }

    @Test
    void stableOnLongRunsOfTiesAsWell() throws IOException {
        // Long enough for the merge sort rather than the insertion sort, times from a few values.
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            text.append("u i").append(i).append(' ').append((i * 7) % 5).append('\n');
        }
        SequenceDataset d = dataset(text.toString());
        int[] seq = d.sequence(0);
        double[] ts = d.timestamps(0);
        for (int p = 1; p < seq.length; p++) {
            assertTrue(ts[p - 1] <= ts[p]);
            if (ts[p - 1] == ts[p]) {
                int before = Integer.parseInt(d.itemToken(seq[p - 1]).substring(1));
                int after = Integer.parseInt(d.itemToken(seq[p]).substring(1));
                assertTrue(before < after, "file order among equal times at " + p);
            }
        }
    }

    @Test
    void remapsItemsToOneUpInOrderOfFirstAppearanceInTheFile() throws IOException {
        // v's rows come first in the file but with later times: ids follow the file, not the time.
        SequenceDataset d = dataset("""
                v item9 100
                v item3 101
                u item3 1
                u item7 2
                v item5 102
                u item9 3
                """);
        assertEquals(5, d.itemCount(), "4 items + padding");
        assertEquals(SequenceDataset.PADDING_TOKEN, d.itemToken(0));
        assertEquals(1, d.itemId("item9"));
        assertEquals(2, d.itemId("item3"));
        assertEquals(3, d.itemId("item7"));
        assertEquals(4, d.itemId("item5"));
        assertEquals(-1, d.itemId("unknown"));
        assertEquals(-1, d.itemId(SequenceDataset.PADDING_TOKEN));
        assertEquals("item7", d.itemToken(3));
        assertEquals("v", d.userToken(0), "users in order of first appearance");
        assertEquals(1, d.userIndex("u"));
        assertArrayEquals(new int[] {1, 2, 4}, d.sequence(0));
        assertArrayEquals(new int[] {2, 3, 1}, d.sequence(1));
    }

    @Test
    void dropsAndCountsUsersWithFewerThanThreeInteractions() throws IOException {
        SequenceDataset d = dataset("""
                short a
                long a
                long b
                pair b
                long c
                pair c
                once d
                """);
        assertEquals(1, d.userCount());
        assertEquals(3, d.droppedUsers());
        assertEquals(-1, d.userIndex("pair"));
        assertEquals(3, d.interactionCount(), "only kept users' interactions");
        // Items seen only by dropped users keep their ids, as in RecBole's item_num.
        assertEquals(5, d.itemCount());
        assertEquals(4, d.itemId("d"));
        assertEquals("users 1, items 4, interactions 3, dropped users 3, average length 3.00", d.summary());
    }

    @Test
    void noUserLongEnoughIsAnError() throws IOException {
        DataException e = assertThrows(DataException.class, () -> dataset("a x\na y\nb x\n"));
        assertTrue(e.getMessage().contains("d.txt") && e.getMessage().contains("at least 3"), e.getMessage());
    }

    @Test
    void sequencesAreCopiesSoCallersCannotCorruptTheData() throws IOException {
        SequenceDataset d = dataset("u a\nu b\nu c\n");
        d.sequence(0)[0] = 99;
        assertArrayEquals(new int[] {1, 2, 3}, d.sequence(0));
    }
}
