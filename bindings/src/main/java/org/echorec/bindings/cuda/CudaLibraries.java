package org.echorec.bindings.cuda;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.echorec.bindings.Native;

/**
 * Where the CUDA libraries (driver, NVRTC, cuBLAS, cuFFT) are looked for. Each header class names its own
 * override key and sonames, as {@code cblas_h} does; the directories are the same for all four, so they
 * live here once instead of four times.
 *
 * <p>Note: CUDA directories. After the override and the dynamic loader (see {@link Native}), which find a
 * library that a package or {@code ldconfig} registered, these directories are searched in order:
 * <ol>
 *   <li>{@code /usr/local/cuda/lib64} and {@code /usr/local/cuda/targets/x86_64-linux/lib}: the toolkit the
 *       {@code /usr/local/cuda} symlink points to, which NVIDIA's installer does not register with ldconfig;
 *   <li>every {@code /usr/local/cuda-X.Y/lib64}, newest version first: several toolkits side by side, and
 *       a newer NVRTC or cuBLAS handles every GPU an older one does;
 *   <li>{@code /usr/lib/x86_64-linux-gnu}, where Debian's and Ubuntu's packages put them (for a stale
 *       ld.so.cache);
 *   <li>the {@code lib} folders of NVIDIA's Python wheels ({@code nvidia/cu13/lib}, where the CUDA 13
 *       wheels put every library; {@code nvidia/{cuda_nvrtc,cublas,cufft,cuda_runtime}/lib} for CUDA 11 and
 *       12, one folder per package) in each Python installation found by listing a few directories:
 *       {@code /usr/lib/python3*}{@code /dist-packages}, {@code /usr/local/lib/python3*}{@code /{site,dist}-packages},
 *       {@code ~/.local/lib/python3*}{@code /site-packages} and the active {@code $VIRTUAL_ENV}. No Python is
 *       started: listing directories costs microseconds, a subprocess a good part of a second.
 * </ol>
 * Wheel folders are listed only where they exist; the fixed toolkit folders always, so that a failure
 * message says where the library was expected.
 */
public final class CudaLibraries {
    /** The wheel folders, relative to a {@code site-packages} directory. */
    private static final List<String> WHEEL_LIB_DIRS = List.of("nvidia/cu13/lib", "nvidia/cuda_nvrtc/lib",
            "nvidia/cublas/lib", "nvidia/cufft/lib", "nvidia/cuda_runtime/lib");

    private CudaLibraries() {}

    /** Finds a CUDA library: {@link Native#load} with the directories of the note. */
    public static Native.Library load(String name, String key, List<String> sonames) {
        return load(name, key, sonames, List.of());
    }

    /**
     * As {@link #load(String, String, List)}, loading {@code siblings} from the library's directory first
     * (see {@link Native}, note: dependencies in the same directory).
     */
    public static Native.Library load(String name, String key, List<String> sonames, List<String> siblings) {
        return Native.load(name, key, sonames, searchDirectories(), siblings);
    }

    /** The directories of the note, in order. */
    public static List<Path> searchDirectories() {
        List<Path> dirs = new ArrayList<>();
        dirs.add(Path.of("/usr/local/cuda/lib64"));
        dirs.add(Path.of("/usr/local/cuda/targets/x86_64-linux/lib"));
        dirs.addAll(versionedToolkitDirectories(Path.of("/usr/local")));
        dirs.add(Path.of("/usr/lib/x86_64-linux-gnu"));
        List<Path> sitePackages = new ArrayList<>();
        sitePackages.addAll(pythonPackageDirectories(Path.of("/usr/lib"), "dist-packages"));
        sitePackages.addAll(pythonPackageDirectories(Path.of("/usr/local/lib"), "site-packages"));
        sitePackages.addAll(pythonPackageDirectories(Path.of("/usr/local/lib"), "dist-packages"));
        sitePackages.addAll(pythonPackageDirectories(Path.of(System.getProperty("user.home"), ".local/lib"),
                "site-packages"));
        String virtualEnv = System.getenv("VIRTUAL_ENV");
        if (virtualEnv != null && !virtualEnv.isBlank()) {
            sitePackages.addAll(pythonPackageDirectories(Path.of(virtualEnv, "lib"), "site-packages"));
        }
        dirs.addAll(wheelLibraryDirectories(sitePackages));
        return dirs;
    }

    /** {@code <root>/cuda-X.Y/lib64} for each {@code cuda-X.Y} under {@code root}, newest version first. */
    static List<Path> versionedToolkitDirectories(Path root) {
        List<Path> dirs = new ArrayList<>();
        for (Path toolkit : newestFirst(list(root, "cuda-*"), "cuda-")) {
            dirs.add(toolkit.resolve("lib64"));
        }
        return dirs;
    }

    /** {@code <libRoot>/python3.N/<kind>} for each Python 3 under {@code libRoot} that has one, newest first. */
    static List<Path> pythonPackageDirectories(Path libRoot, String kind) {
        List<Path> dirs = new ArrayList<>();
        for (Path python : newestFirst(list(libRoot, "python3*"), "python")) {
            Path packages = python.resolve(kind);
            if (Files.isDirectory(packages)) {
                dirs.add(packages);
            }
        }
        return dirs;
    }

    /** The NVIDIA wheel folders that exist under the given {@code site-packages} directories. */
    static List<Path> wheelLibraryDirectories(List<Path> sitePackages) {
        List<Path> dirs = new ArrayList<>();
        for (Path packages : sitePackages) {
            for (String wheelDir : WHEEL_LIB_DIRS) {
                Path dir = packages.resolve(wheelDir);
                if (Files.isDirectory(dir)) {
                    dirs.add(dir);
                }
            }
        }
        return dirs;
    }

    private static List<Path> list(Path dir, String glob) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, glob)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry)) {
                    found.add(entry);
                }
            }
        } catch (IOException | SecurityException unreadable) {
            // a directory we may not list is one we cannot load from either
        }
        return found;
    }

    /**
     * Sorts directories named {@code <prefix><version>} by version, newest first, comparing the dotted
     * numbers as numbers ({@code cuda-12.10} after {@code cuda-12.9}); names without a version go last.
     */
    static List<Path> newestFirst(List<Path> dirs, String prefix) {
        List<Path> sorted = new ArrayList<>(dirs);
        Comparator<Path> byVersion = (a, b) -> compareVersions(version(a, prefix), version(b, prefix));
        sorted.sort(byVersion.reversed().thenComparing(Path::toString));
        return sorted;
    }

    private static int[] version(Path dir, String prefix) {
        String name = dir.getFileName().toString();
        String[] parts = name.substring(Math.min(prefix.length(), name.length())).split("\\.");
        int[] numbers = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!parts[i].matches("\\d{1,9}")) {
                return new int[0];
            }
            numbers[i] = Integer.parseInt(parts[i]);
        }
        return numbers;
    }

    private static int compareVersions(int[] a, int[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return Integer.compare(a.length, b.length);
    }
}
