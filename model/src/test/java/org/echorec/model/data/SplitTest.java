package org.echorec.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitTest {
    @TempDir
    Path dir;

    private Split split(String content) throws IOException {
        Path file = dir.resolve("s.txt");
        Files.writeString(file, content);
        return Split.leaveOneOut(SequenceDataset.from(InteractionReader.read(file)));
    }

    @Test
    void leaveOneOutOnAFiveItemUser() throws IOException {
        // s = [1 2 3 4 5] (items a..e in first appearance order).
        Split s = split("u a\nu b\nu c\nu d\nu e\n");
        assertEquals(1, s.size(Stage.TEST));
        assertEquals(5, s.target(Stage.TEST, 0));
        assertArrayEquals(new int[] {1, 2, 3, 4}, s.history(Stage.TEST, 0));
        assertEquals(4, s.target(Stage.VALID, 0));
        assertArrayEquals(new int[] {1, 2, 3}, s.history(Stage.VALID, 0));
        // Training part [1 2 3]: targets 2 (history [1]) and 3 (history [1 2]).
        assertEquals(2, s.size(Stage.TRAIN));
        assertEquals(2, s.target(Stage.TRAIN, 0));
        assertArrayEquals(new int[] {1}, s.history(Stage.TRAIN, 0));
        assertEquals(3, s.target(Stage.TRAIN, 1));
        assertArrayEquals(new int[] {1, 2}, s.history(Stage.TRAIN, 1));
        assertEquals(1, s.end(Stage.TRAIN, 0));
        assertEquals(2, s.end(Stage.TRAIN, 1));
        assertEquals(3, s.end(Stage.VALID, 0));
        assertEquals(4, s.end(Stage.TEST, 0));
    }

    @Test
    void trainingSamplesMapBackToTheirUsersAcrossUsersWithoutAny() throws IOException {
        // Lengths 4, 3, 3, 6: training samples 1, 0, 0, 3.
        Split s = split("""
                a 1
                a 2
                a 3
                a 4
                b 1
                b 2
                b 3
                c 1
                c 2
                c 3
                d 1
                d 2
                d 3
                d 4
                d 5
                d 6
                """);
        assertEquals(4, s.size(Stage.TRAIN));
        assertEquals(4, s.size(Stage.VALID));
        int[] users = new int[4];
        int[] ends = new int[4];
        for (int k = 0; k < 4; k++) {
            users[k] = s.user(Stage.TRAIN, k);
            ends[k] = s.end(Stage.TRAIN, k);
        }
        assertArrayEquals(new int[] {0, 3, 3, 3}, users);
        assertArrayEquals(new int[] {1, 1, 2, 3}, ends);
        assertEquals(2, s.user(Stage.VALID, 2), "one validation sample per user, in user order");
        assertThrows(IndexOutOfBoundsException.class, () -> s.user(Stage.TRAIN, 4));
    }
}
