package org.echorec.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KCoreTest {
    @TempDir
    Path dir;

    private Interactions read(String content) throws IOException {
        Path file = dir.resolve("k.txt");
        Files.writeString(file, content);
        return InteractionReader.read(file);
    }

    private static List<String> rows(Interactions in) {
        List<String> out = new ArrayList<>();
        for (int r = 0; r < in.size(); r++) {
            out.add(in.userToken(in.user(r)) + in.itemToken(in.item(r)));
        }
        return out;
    }

    @Test
    void removalsCascadeUntilStable() throws IOException {
        // 2-core on both sides. Item z has one interaction: dropping it leaves user c with one, so c
        // goes; then item y (seen by b and c) has one left, so it goes too. b keeps x and w.
        Interactions in = read("""
                a w
                a x
                b x
                b y
                c y
                c z
                d w
                d x
                b w
                """);
        Interactions out = KCore.filter(in, 2, 2);
        assertEquals(List.of("aw", "ax", "bx", "dw", "dx", "bw"), rows(out));
        assertEquals(3, out.userCount());
        assertEquals(2, out.itemCount());
        assertEquals("a", out.userToken(0), "ids re-dense in first-appearance order");
        assertEquals("d", out.userToken(2));
        assertEquals(1.0, out.timestamp(1), "timestamps travel with their rows (line order here)");
    }

    @Test
    void everyoneMeetsTheThresholdsAfterFiltering() throws IOException {
        StringBuilder text = new StringBuilder();
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int r = 0; r < 3000; r++) {
            text.append('u').append(random.nextInt(300)).append(" i").append((int) Math.sqrt(random.nextInt(40000))).append('\n');
        }
        Interactions out = KCore.filter(read(text.toString()), 5, 4);
        int[] users = new int[out.userCount()];
        int[] items = new int[out.itemCount()];
        for (int r = 0; r < out.size(); r++) {
            users[out.user(r)]++;
            items[out.item(r)]++;
        }
        for (int c : users) {
            assertEquals(true, c >= 5, "user count " + c);
        }
        for (int c : items) {
            assertEquals(true, c >= 4, "item count " + c);
        }
    }

    @Test
    void thresholdsOfOneChangeNothing() throws IOException {
        Interactions in = read("a x\nb y\n");
        assertSame(in, KCore.filter(in, 1, 0));
    }

    @Test
    void filteringEverythingAwayIsAnError() throws IOException {
        Interactions in = read("a x\nb y\n");
        DataException e = assertThrows(DataException.class, () -> KCore.filter(in, 2, 1));
        assertEquals(true, e.getMessage().contains("k.txt"), e.getMessage());
    }
}
