package org.echorec.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.echorec.model.data.InteractionReader.Format;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InteractionReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    /** The rows as "user item timestamp" strings, tokens resolved, for compact assertions. */
    private static List<String> rows(Interactions in) {
        List<String> out = new ArrayList<>();
        for (int r = 0; r < in.size(); r++) {
            out.add(in.userToken(in.user(r)) + " " + in.itemToken(in.item(r)) + " " + (long) in.timestamp(r));
        }
        return out;
    }

    @Test
    void readsAnAtomicFileWithItsTypedHeader() throws IOException {
        Path file = write("toy.inter", """
                user_id:token\titem_id:token\trating:float\ttimestamp:float
                196\t242\t3\t881250949
                186\t302\t3\t891717742
                196\t377\t1\t878887116
                """);
        Interactions in = InteractionReader.read(file);
        assertEquals(List.of("196 242 881250949", "186 302 891717742", "196 377 878887116"), rows(in));
        assertTrue(in.hasTimestamps());
        assertEquals(2, in.userCount());
        assertEquals(3, in.itemCount());
        assertEquals(0, in.user(0), "ids in order of first appearance");
        assertEquals(1, in.user(1));
        assertEquals(0, in.user(2));
    }

    @Test
    void findsAtomicColumnsByNameInAnyOrderAndIgnoresExtraOnes() throws IOException {
        Path file = write("shuffled.inter", """
                timestamp:float\trating:float\titem_id:token\treview:token_seq\tuser_id:token
                10\t5\tA\tgood stuff\tu1
                7.5\t4\tB\t\tu2
                """);
        Interactions in = InteractionReader.read(file);
        assertEquals(List.of("u1 A 10", "u2 B 7"), rows(in));
        assertEquals(7.5, in.timestamp(1));
    }

    @Test
    void aByteOrderMarkBeforeTheHeaderIsIgnored() throws IOException {
        Path file = write("bom.inter", "\uFEFFuser_id:token\titem_id:token\nu\ta\n");
        assertEquals(List.of("u a 0"), rows(InteractionReader.read(file)));
    }

    @Test
    void atomicFileWithoutTimestampUsesTheLineOrder() throws IOException {
        Path file = write("untimed.inter", "user_id:token\titem_id:token\nu\ta\n\nu\tb\nv\ta\n");
        Interactions in = InteractionReader.read(file);
        assertFalse(in.hasTimestamps());
        assertEquals(List.of("u a 0", "u b 1", "v a 2"), rows(in), "blank line skipped, times are row order");
    }

    @Test
    void readsMovieLensDat() throws IOException {
        Path file = write("ratings.dat", "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n");
        assertEquals(List.of("1 1193 978300760", "1 661 978302109", "2 1193 978298413"),
                rows(InteractionReader.read(file)));
    }

    @Test
    void readsMovieLensCsvByHeaderNames() throws IOException {
        Path file = write("ratings.csv", "userId,movieId,rating,timestamp\r\n1,31,2.5,1260759144\r\n1,1029,3.0,1260759179\r\n");
        assertEquals(List.of("1 31 1260759144", "1 1029 1260759179"), rows(InteractionReader.read(file)));
        Path reordered = write("reordered.csv", "timestamp,movieId,userId\n5,m,u\n");
        assertEquals(List.of("u m 5"), rows(InteractionReader.read(reordered)));
    }

    @Test
    void readsPlainLinesWithAndWithoutTimestamps() throws IOException {
        Path timed = write("timed.txt", "# user item time\n\nu1 i1 30\n  u1\t i2   20  \n# done\n");
        assertEquals(List.of("u1 i1 30", "u1 i2 20"), rows(InteractionReader.read(timed)));
        Path untimed = write("seqs", "a x\na y\nb x\n");
        Interactions in = InteractionReader.read(untimed);
        assertFalse(in.hasTimestamps());
        assertEquals(List.of("a x 0", "a y 1", "b x 2"), rows(in));
    }

    @Test
    void autoPicksTheFormatByExtensionAndAnExplicitFormatOverridesIt() throws IOException {
        assertEquals(Format.ATOMIC, Format.detect(Path.of("data/ml-1m.inter")));
        assertEquals(Format.MOVIELENS_DAT, Format.detect(Path.of("ml-1m/ratings.dat")));
        assertEquals(Format.MOVIELENS_DAT, Format.detect(Path.of("RATINGS.DAT")));
        assertEquals(Format.MOVIELENS_CSV, Format.detect(Path.of("ratings.csv")));
        assertEquals(Format.PLAIN, Format.detect(Path.of("sequences.txt")));
        assertEquals(Format.PLAIN, Format.detect(Path.of("noextension")));
        Path file = write("actually-plain.csv", "u i 3\n");
        assertEquals(List.of("u i 3"), rows(InteractionReader.read(file, Format.PLAIN)));
    }

    @Test
    void timestampsMayBeDecimalOrExponent() throws IOException {
        Path file = write("t.txt", "u a 1.5\nu b 2e3\nu c -4\n");
        Interactions in = InteractionReader.read(file);
        assertEquals(1.5, in.timestamp(0));
        assertEquals(2000.0, in.timestamp(1));
        assertEquals(-4.0, in.timestamp(2));
    }

    // ---- errors: each names the file and the 1-based line

    private DataException failure(String name, String content, Format format) throws IOException {
        Path file = write(name, content);
        return assertThrows(DataException.class, () -> InteractionReader.read(file, format));
    }

    private static void assertNames(DataException e, String file, int line, String problem) {
        String m = e.getMessage();
        assertTrue(m.contains(file), m);
        assertTrue(m.contains("line " + line + ":"), m);
        assertTrue(m.contains(problem), m);
        assertFalse(m.contains("\n"), "one line: " + m);
    }

    @Test
    void wrongColumnCountInAnAtomicFile() throws IOException {
        DataException e = failure("cols.inter", "user_id:token\titem_id:token\ttimestamp:float\nu\ti\t1\nu\ti\n", Format.AUTO);
        assertNames(e, "cols.inter", 3, "expected 3 tab-separated columns as in the header, found 2");
    }

    @Test
    void malformedMovieLensLine() throws IOException {
        DataException e = failure("ratings.dat", "1::2::5::10\n\n1,2,5,10\n", Format.AUTO);
        assertNames(e, "ratings.dat", 3, "expected 4 fields user::item::rating::timestamp, found 1");
        DataException empty = failure("empty-id.dat", "1::2::5::10\n::2::5::11\n", Format.AUTO);
        assertNames(empty, "empty-id.dat", 2, "malformed line: empty user id");
    }

    @Test
    void plainLinesMustKeepTheShapeOfTheFirst() throws IOException {
        assertNames(failure("mixed.txt", "# c\nu a 1\nu b\n", Format.AUTO), "mixed.txt", 3, "found 2");
        assertNames(failure("wide.txt", "u a 1 extra\n", Format.AUTO), "wide.txt", 1, "found 4 fields");
    }

    @Test
    void nonNumericTimestamp() throws IOException {
        DataException e = failure("time.inter", "user_id:token\titem_id:token\ttimestamp:float\nu\ti\t1\nu\tj\tyesterday\n", Format.AUTO);
        assertNames(e, "time.inter", 3, "timestamp 'yesterday' is not a finite number");
        assertNames(failure("nan.txt", "u a NaN\n", Format.AUTO), "nan.txt", 1, "'NaN'");
        assertNames(failure("suffix.txt", "u a 12d\n", Format.AUTO), "suffix.txt", 1, "'12d'");
    }

    @Test
    void missingHeaderField() throws IOException {
        DataException e = failure("noitem.inter", "user_id:token\tmovie:token\ttimestamp:float\nu\ti\t1\n", Format.AUTO);
        assertNames(e, "noitem.inter", 1, "header has no 'item_id' field (found: user_id, movie, timestamp)");
        DataException csv = failure("nouser.csv", "user,movieId,rating,timestamp\n1,2,3,4\n", Format.AUTO);
        assertNames(csv, "nouser.csv", 1, "no 'userId' field");
    }

    @Test
    void emptyFilesAndFilesWithoutInteractions() throws IOException {
        assertNames(failure("empty.inter", "", Format.AUTO), "empty.inter", 1, "empty file");
        assertNames(failure("empty.txt", "", Format.AUTO), "empty.txt", 1, "empty file");
        assertNames(failure("header.inter", "user_id:token\titem_id:token\n", Format.AUTO), "header.inter", 2, "no interactions");
        assertNames(failure("comments.txt", "# nothing\n\n", Format.AUTO), "comments.txt", 3, "no interactions");
    }

    @Test
    void invalidUtf8IsReportedNotGarbled() throws IOException {
        Path file = dir.resolve("latin1.txt");
        Files.write(file, new byte[] {'u', ' ', 'a', '\n', 'u', ' ', (byte) 0xE9, '\n'});
        DataException e = assertThrows(DataException.class, () -> InteractionReader.read(file));
        assertTrue(e.getMessage().contains("latin1.txt, line 2: not UTF-8"), e.getMessage());
    }

    @Test
    void missingFile() {
        DataException e = assertThrows(DataException.class, () -> InteractionReader.read(dir.resolve("absent.inter")));
        assertTrue(e.getMessage().contains("absent.inter") && e.getMessage().contains("no such file"), e.getMessage());
    }
}
