package org.echorec.runtime.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The CUDA kernel sources ({@code org/echorec/runtime/op/<family>/<family>.cu}, compiled at run time
 * by NVRTC) checked without a GPU: every file compiles with nvcc to PTX for compute_90 with warnings as
 * errors, declares only {@code extern "C"} kernels named after an op ({@code <op>}, {@code <op>_fwd},
 * {@code <op>_bwd}, optionally {@code _<variant>}), includes no header (NVRTC has none), and every
 * kernel has its line in {@code KERNELS.md}. The compile skips, saying why, where no nvcc is found.
 */
class KernelSourcesCompileTest {
    private static final String ROOT = "/org/echorec/runtime/op/";
    private static final Pattern KERNEL = Pattern.compile(
            "extern\\s+\"C\"\\s+__global__\\s+(?:__launch_bounds__\\s*\\([^)]*\\)\\s*)?void\\s+"
                    + "(?:__launch_bounds__\\s*\\([^)]*\\)\\s*)?(\\w+)\\s*\\(");
    private static final Pattern GLOBAL = Pattern.compile("\\b__global__\\b");
    private static final Pattern SNAKE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    private static final long COMPILE_TIMEOUT_S = 600;

    @Test
    void everyFamilyWithKernelsHasItsFile() throws IOException {
        Set<String> families = new TreeSet<>();
        for (Path cu : sources()) {
            families.add(cu.getParent().getFileName().toString());
        }
        // matmul (cuBLAS) has no kernels of its own; fft holds complexMul and the cuFFT helpers
        assertEquals(new TreeSet<>(List.of("binary", "conv", "fft", "gather", "norm", "optim", "random", "reduce",
                "scan", "select", "softmax", "unary", "view")), families);
    }

    @Test
    void kernelsAreExternCNamedAfterTheirOpsAndListedInKernelsMd() throws IOException {
        String list = Files.readString(root().resolve("KERNELS.md"), StandardCharsets.UTF_8);
        Set<String> ops = opStems();
        Map<String, Path> seen = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (Path cu : sources()) {
            String family = cu.getParent().getFileName().toString();
            String file = family + "/" + cu.getFileName();
            if (!cu.getFileName().toString().equals(family + ".cu")) {
                problems.add(file + ": a family's kernels live in <family>/<family>.cu");
            }
            String code = stripComments(Files.readString(cu, StandardCharsets.UTF_8));
            if (code.contains("#include")) {
                problems.add(file + ": #include (NVRTC compiles each file alone, without standard headers)");
            }
            List<String> names = kernelNames(code);
            long globals = GLOBAL.matcher(code).results().count();
            if (globals != names.size()) {
                problems.add(file + ": " + globals + " __global__ functions but " + names.size()
                        + " of the form extern \"C\" __global__ [__launch_bounds__(..)] void name(");
            }
            if (names.isEmpty()) {
                problems.add(file + ": no kernels");
            }
            Set<String> stems = new TreeSet<>(ops);
            stems.add(family);
            for (String name : names) {
                if (!followsNamingRule(name, stems)) {
                    problems.add(file + ": kernel " + name + " is not <op>[_fwd|_bwd][_variant] for an op of Ops,"
                            + " Unary, Binary or the family " + family);
                }
                Path other = seen.put(name, cu);
                if (other != null) {
                    problems.add(file + ": kernel " + name + " is also declared in " + other);
                }
                if (!list.contains("`" + name + "`")) {
                    problems.add(file + ": kernel " + name + " has no line in KERNELS.md");
                }
            }
        }
        Matcher listed = Pattern.compile("\\| ((?:`\\w+`\\s*)+)\\|").matcher(list);
        while (listed.find()) {
            for (String name : listed.group(1).replace("`", " ").trim().split("\\s+")) {
                if (!seen.containsKey(name)) {
                    problems.add("KERNELS.md lists " + name + ", which no .cu file declares");
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void theNamingRuleRejectsStrangers() {
        Set<String> stems = Set.of("layer_norm", "softplus", "sum");
        assertTrue(followsNamingRule("layer_norm_bwd_params", stems));
        assertTrue(followsNamingRule("softplus_fwd", stems));
        assertTrue(followsNamingRule("sum", stems));
        assertFalse(followsNamingRule("layerNorm_fwd", stems));
        assertFalse(followsNamingRule("helper_fwd", stems));
        assertFalse(followsNamingRule("summary", stems));
        assertEquals(List.of("a", "b_fwd", "d_bwd"), kernelNames(stripComments(
                "extern \"C\" __global__ void a(int x) {}\n// extern \"C\" __global__ void c(\n"
                        + "extern \"C\" __global__ void __launch_bounds__(256)\nb_fwd(float* y) {}\n"
                        + "extern \"C\" __global__ __launch_bounds__(128) void d_bwd(float* y) {}")));
    }

    @TestFactory
    Stream<DynamicTest> everyFileCompilesWithNvcc() throws IOException {
        Optional<Path> nvcc = findNvcc();
        Assumptions.assumeTrue(nvcc.isPresent(),
                "nvcc not found on PATH or under /usr/local/cuda*/bin: the CUDA sources were not compiled");
        Path out = Files.createTempDirectory("echorec-ptx");
        return sources().stream().map(cu -> DynamicTest.dynamicTest(root().relativize(cu).toString(),
                () -> compile(nvcc.get(), cu, out.resolve(cu.getFileName() + ".ptx"))));
    }

    // ------------------------------------------------------------------ helpers

    private static void compile(Path nvcc, Path cu, Path ptx) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(nvcc.toString(), "-ptx", "-arch=compute_90", "-std=c++17", "-Werror",
                "all-warnings", "-o", ptx.toString(), cu.toString())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String log;
        try (var in = p.getInputStream()) {
            log = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(COMPILE_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("nvcc did not finish " + cu.getFileName() + " in " + COMPILE_TIMEOUT_S + " s");
        }
        if (p.exitValue() != 0) {
            fail("nvcc failed on " + cu + " (exit " + p.exitValue() + "):\n" + log);
        }
        assertTrue(Files.size(ptx) > 0, "nvcc wrote no PTX for " + cu);
        Files.delete(ptx);
    }

    /** nvcc on PATH, else the newest /usr/local/cuda-X.Y/bin/nvcc (or /usr/local/cuda/bin/nvcc). */
    static Optional<Path> findNvcc() throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, "nvcc");
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        Path local = Path.of("/usr/local");
        if (!Files.isDirectory(local)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(local)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("cuda"))
                    .map(d -> d.resolve("bin/nvcc"))
                    .filter(Files::isExecutable)
                    .max(Comparator.comparing(p -> p.getParent().getParent().getFileName().toString()));
        }
    }

    /** The directory of the op resources on the class path (target/classes). */
    private static Path root() {
        // found through KERNELS.md: the package directory itself also exists under test-classes
        URL url = KernelSourcesCompileTest.class.getResource(ROOT + "KERNELS.md");
        if (url == null || !"file".equals(url.getProtocol())) {
            fail("the kernel sources " + ROOT + " are not a directory on the class path: " + url);
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(root())) {
            List<Path> cu = files.filter(f -> f.toString().endsWith(".cu")).sorted().toList();
            assertFalse(cu.isEmpty(), "no .cu files under " + root());
            return cu;
        }
    }

    /** Names of the kernels declared in comment-free code, in order. */
    static List<String> kernelNames(String code) {
        List<String> names = new ArrayList<>();
        Matcher m = KERNEL.matcher(code);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The code without // and block comments (string literals here hold no comment markers). */
    static String stripComments(String code) {
        return code.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", "");
    }

    /**
     * Stems a kernel name may start with: each {@link Ops} method in snake case (the backward methods
     * are named {@code <op>_bwd}), each {@link Unary} and {@link Binary} constant in lower case.
     */
    static Set<String> opStems() {
        Set<String> stems = new TreeSet<>();
        for (Method m : Ops.class.getDeclaredMethods()) {
            if (!m.getName().endsWith("Backward")) {
                stems.add(m.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT));
            }
        }
        for (Enum<?> e : Unary.values()) {
            stems.add(e.name().toLowerCase(Locale.ROOT));
        }
        for (Enum<?> e : Binary.values()) {
            stems.add(e.name().toLowerCase(Locale.ROOT));
        }
        return stems;
    }

    /** {@code <stem>}, or {@code <stem>_} followed by snake-case words (fwd, bwd, a variant). */
    static boolean followsNamingRule(String name, Set<String> stems) {
        if (!SNAKE.matcher(name).matches()) {
            return false;
        }
        return stems.stream().anyMatch(s -> name.equals(s) || name.startsWith(s + "_"));
    }
}
