package org.echorec.model.io;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Files and directories that are replaced whole or not at all.
 *
 * <p>Note: what a crash can leave behind. A file is written to a hidden sibling
 * {@code .<name>.tmp-<random>}, flushed to disk ({@code fsync}) and renamed over the target, so the
 * target holds either the old or the new content. A directory is built in a sibling
 * {@code .<name>.tmp-<random>}, every file in it flushed, then swapped in with two renames: the old
 * directory to {@code .<name>.old-<random>}, the new one to {@code <name>}; then the old one is
 * deleted. Between the two renames (microseconds) {@code <name>} does not exist: a reader in that
 * window, or after a crash in it, finds the directory missing while a complete {@code .old-} (the
 * previous version) and a complete {@code .tmp-} (the new one) sit beside it. Nothing recovers them
 * automatically; rename one back by hand. Hidden {@code .tmp-}/{@code .old-} siblings left by a killed
 * save are never read by loaders (they only open {@code <name>}) and are deleted by the next
 * successful save of the same name. One writer per target at a time: two concurrent saves of the same
 * name may delete each other's temporaries.
 *
 * <p>Flushing a directory (so that a rename itself is durable) is done where the platform allows it
 * (Linux, macOS) and skipped silently elsewhere.
 */
public final class AtomicFiles {
    /** Infix of in-progress siblings: {@code .<name>.tmp-<random>}. */
    public static final String TMP_INFIX = ".tmp-";
    /** Infix of a replaced directory awaiting deletion: {@code .<name>.old-<random>}. */
    public static final String OLD_INFIX = ".old-";

    private AtomicFiles() {}

    /** Writes a file's content to a stream; the stream may be closed or not, it is flushed either way. */
    @FunctionalInterface
    public interface StreamWriter {
        void write(OutputStream out) throws IOException;
    }

    /** Fills a fresh empty directory. */
    @FunctionalInterface
    public interface DirectoryWriter {
        void write(Path dir) throws IOException;
    }

    /**
     * Replaces {@code file} with what {@code content} writes, atomically: if {@code content} or the
     * disk fails, the previous file (or its absence) is left as it was and the temporary is removed.
     * Parent directories are created.
     */
    public static void write(Path file, StreamWriter content) throws IOException {
        Path target = file.toAbsolutePath().normalize();
        Path parent = parentOf(target);
        Files.createDirectories(parent);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("cannot write file " + target + ": it is a directory");
        }
        String name = target.getFileName().toString();
        Path tmp = parent.resolve("." + name + TMP_INFIX + randomToken());
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                BufferedOutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                content.write(new FlushOnClose(buffered));
                buffered.flush();
                channel.force(true);
            }
            Files.move(tmp, target, ATOMIC_MOVE, REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
        syncDirectory(parent);
        cleanStale(parent, name);
    }

    /** {@link #write} of a byte array. */
    public static void writeBytes(Path file, byte[] bytes) throws IOException {
        write(file, out -> out.write(bytes));
    }

    /** {@link #write} of a string as UTF-8. */
    public static void writeString(Path file, String text) throws IOException {
        writeBytes(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Replaces the directory {@code dir} with one filled by {@code content}, as a whole (see the class
     * note for the one window where {@code dir} is briefly absent). {@code content} gets an empty
     * directory beside {@code dir}; whatever it writes there is flushed to disk before the swap. If it
     * throws, the previous {@code dir} is untouched and the temporary directory removed.
     */
    public static void writeDirectory(Path dir, DirectoryWriter content) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        Path parent = parentOf(target);
        Files.createDirectories(parent);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(target)) {
            throw new IllegalArgumentException("cannot write directory " + target + ": a file of that name exists");
        }
        String name = target.getFileName().toString();
        Path tmp = parent.resolve("." + name + TMP_INFIX + randomToken());
        Files.createDirectory(tmp);
        boolean swapped = false;
        try {
            content.write(tmp);
            syncTree(tmp);
            Path old = null;
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                old = parent.resolve("." + name + OLD_INFIX + randomToken());
                Files.move(target, old, ATOMIC_MOVE);
            }
            try {
                Files.move(tmp, target, ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                if (old != null) {
                    try {
                        Files.move(old, target, ATOMIC_MOVE);
                    } catch (IOException restore) {
                        e.addSuppressed(restore);
                    }
                }
                throw e;
            }
            swapped = true;
        } finally {
            if (!swapped) {
                deleteQuietly(tmp);
            }
        }
        syncDirectory(parent);
        cleanStale(parent, name);
    }

    /** True for the hidden in-progress or replaced siblings this class creates; loaders skip them. */
    public static boolean isTemporary(Path path) {
        Path fileName = path.getFileName();
        if (fileName == null) {
            return false;
        }
        String n = fileName.toString();
        return n.startsWith(".") && (n.contains(TMP_INFIX) || n.contains(OLD_INFIX));
    }

    /** Deletes a file or a directory tree if present; symbolic links are removed, not followed. */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    // ---------------------------------------------------------------- internals

    private static Path parentOf(Path target) {
        Path parent = target.getParent();
        if (parent == null || target.getFileName() == null) {
            throw new IllegalArgumentException("cannot replace " + target + ": it has no parent directory");
        }
        return parent;
    }

    /** 12 hex digits; uniqueness, not secrecy (creation with CREATE_NEW / createDirectory catches a clash). */
    private static String randomToken() {
        byte[] b = new byte[6];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Removes {@code .<name>.tmp-*} and {@code .<name>.old-*} in {@code parent}, best effort. */
    private static void cleanStale(Path parent, String name) {
        String tmpPrefix = "." + name + TMP_INFIX;
        String oldPrefix = "." + name + OLD_INFIX;
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent)) {
            for (Path p : entries) {
                String n = p.getFileName().toString();
                if (n.startsWith(tmpPrefix) || n.startsWith(oldPrefix)) {
                    stale.add(p);
                }
            }
        } catch (IOException e) {
            return; // the save itself succeeded; leftovers are harmless and retried next time
        }
        for (Path p : stale) {
            deleteQuietly(p);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            deleteRecursively(path);
        } catch (IOException ignored) {
            // best effort: a leftover hidden sibling is ignored by loaders and retried on the next save
        }
    }

    /** fsync of every regular file and directory under {@code root}, children before parents. */
    private static void syncTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                        ch.force(true);
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                syncDirectory(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Makes renames in {@code dir} durable where a directory can be opened and flushed; a no-op elsewhere. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Windows cannot open a directory as a channel; the rename is still atomic there
        }
    }

    /** Lets a writer close its stream (Jackson does by default) without closing the file before fsync. */
    private static final class FlushOnClose extends FilterOutputStream {
        FlushOnClose(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
