package org.echorec.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path tmp;

    @Test
    void writeReplacesTheFileAndLeavesNoTemporaries() throws IOException {
        Path file = tmp.resolve("a.txt");
        AtomicFiles.writeString(file, "first");
        AtomicFiles.writeString(file, "second");
        assertEquals("second", Files.readString(file));
        assertEquals(List.of("a.txt"), names(tmp));
    }

    @Test
    void writeCreatesParentsAndToleratesAWriterThatClosesTheStream() throws IOException {
        Path file = tmp.resolve("x/y/z.json");
        AtomicFiles.write(file, out -> {
            Json.MAPPER.writeValue(out, Json.MAPPER.createObjectNode().put("k", 1)); // Jackson closes its target
        });
        assertEquals("{\"k\":1}", Files.readString(file));
        assertEquals(List.of("z.json"), names(file.getParent()));
    }

    @Test
    void aFailingWriterLeavesTheOldContentAndNoTemporaries() throws IOException {
        Path file = tmp.resolve("model.bin");
        AtomicFiles.writeString(file, "old content");
        IOException io = assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
            out.write("half of the new cont".getBytes(StandardCharsets.UTF_8));
            out.flush();
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", io.getMessage());
        RuntimeException boom = new IllegalStateException("writer bug");
        assertSame(boom, assertThrows(IllegalStateException.class, () -> AtomicFiles.write(file, out -> {
            out.write(new byte[100_000]); // past the stream's buffer, so bytes did reach the temporary file
            throw boom;
        })));
        assertEquals("old content", Files.readString(file));
        assertEquals(List.of("model.bin"), names(tmp));

        Path fresh = tmp.resolve("never.bin");
        assertThrows(IOException.class, () -> AtomicFiles.write(fresh, out -> {
            throw new IOException("fail");
        }));
        assertFalse(Files.exists(fresh));
        assertEquals(List.of("model.bin"), names(tmp));
    }

    @Test
    void staleFileTemporariesAreCleanedByTheNextWrite() throws IOException {
        Files.writeString(tmp.resolve(".f.txt.tmp-deadbeef"), "killed mid-write");
        Files.writeString(tmp.resolve(".other.tmp-1"), "someone else's");
        AtomicFiles.writeString(tmp.resolve("f.txt"), "ok");
        assertEquals(List.of(".other.tmp-1", "f.txt"), names(tmp));
    }

    @Test
    void writeDirectoryCreatesThenReplacesAWholeDirectory() throws IOException {
        Path dir = tmp.resolve("ckpt");
        AtomicFiles.writeDirectory(dir, d -> {
            Files.writeString(d.resolve("a.txt"), "a1");
            Files.writeString(d.resolve("only-in-first.txt"), "x");
            Files.createDirectories(d.resolve("sub"));
            Files.writeString(d.resolve("sub/b.txt"), "b1");
        });
        assertEquals(List.of("a.txt", "only-in-first.txt", "sub"), names(dir));
        AtomicFiles.writeDirectory(dir, d -> Files.writeString(d.resolve("a.txt"), "a2"));
        assertEquals(List.of("a.txt"), names(dir), "nothing of the old directory remains");
        assertEquals("a2", Files.readString(dir.resolve("a.txt")));
        assertEquals(List.of("ckpt"), names(tmp), "no .tmp- or .old- siblings");
    }

    @Test
    void aFailingDirectoryWriterLeavesTheOldDirectoryIntact() throws IOException {
        Path dir = tmp.resolve("ckpt");
        AtomicFiles.writeDirectory(dir, d -> Files.writeString(d.resolve("model"), "old"));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeDirectory(dir, d -> {
            Files.writeString(d.resolve("model"), "new but incomplete");
            throw new IOException("killed mid-save (simulated)");
        }));
        assertEquals("killed mid-save (simulated)", e.getMessage());
        assertEquals("old", Files.readString(dir.resolve("model")));
        assertEquals(List.of("model"), names(dir));
        assertEquals(List.of("ckpt"), names(tmp));

        Path fresh = tmp.resolve("fresh");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.writeDirectory(fresh, d -> {
            throw new IllegalStateException("bug");
        }));
        assertFalse(Files.exists(fresh));
        assertEquals(List.of("ckpt"), names(tmp));
    }

    @Test
    void staleDirectorySiblingsAreIgnoredAndCleanedByTheNextSave() throws IOException {
        Path dir = tmp.resolve("run");
        AtomicFiles.writeDirectory(dir, d -> Files.writeString(d.resolve("v"), "1"));
        // what a save killed at various points leaves behind
        Files.createDirectories(tmp.resolve(".run.tmp-0123456789ab/deep"));
        Files.writeString(tmp.resolve(".run.tmp-0123456789ab/deep/x"), "partial");
        Files.createDirectories(tmp.resolve(".run.old-ba9876543210"));
        Files.createDirectories(tmp.resolve(".other.tmp-1"));
        assertTrue(AtomicFiles.isTemporary(tmp.resolve(".run.tmp-0123456789ab")));
        assertTrue(AtomicFiles.isTemporary(tmp.resolve(".run.old-ba9876543210")));
        assertFalse(AtomicFiles.isTemporary(dir));
        assertFalse(AtomicFiles.isTemporary(tmp.resolve("run.tmp-1")), "not hidden: not ours");

        assertEquals("1", Files.readString(dir.resolve("v")), "the real directory is unaffected");
        AtomicFiles.writeDirectory(dir, d -> Files.writeString(d.resolve("v"), "2"));
        assertEquals("2", Files.readString(dir.resolve("v")));
        assertEquals(List.of(".other.tmp-1", "run"), names(tmp), "only this name's leftovers are removed");
    }

    @Test
    void refusesToReplaceAFileWithADirectoryOrTheReverse() throws IOException {
        Path file = tmp.resolve("f");
        Files.writeString(file, "x");
        assertThrows(IllegalArgumentException.class, () -> AtomicFiles.writeDirectory(file, d -> {}));
        Path dir = Files.createDirectory(tmp.resolve("d"));
        assertThrows(IllegalArgumentException.class, () -> AtomicFiles.writeString(dir, "y"));
        assertEquals("x", Files.readString(file));
        assertEquals(List.of("d", "f"), names(tmp));
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
