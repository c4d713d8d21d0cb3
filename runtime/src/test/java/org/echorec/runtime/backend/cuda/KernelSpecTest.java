package org.echorec.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.echorec.runtime.backend.cuda.KernelSpec.Arg;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ties every launch of the CUDA families to its kernel's C signature, without a GPU (KernelSpec: "Note:
 * typed launches"): each family's {@code KernelSpec} constants must name a kernel of the family's
 * {@code .cu} file with exactly its parameter kinds in order (pointer, 64-bit, 32-bit, float, Geometry),
 * and every kernel of every {@code .cu} file must have a spec, i.e. be launched by some family.
 */
class KernelSpecTest {
    /** The classes that declare the specs; loading them runs their static initialisers. */
    private static final List<String> FAMILIES = List.of(
            "org.echorec.runtime.op.view.ViewCuda", "org.echorec.runtime.op.unary.UnaryCuda",
            "org.echorec.runtime.op.binary.BinaryCuda", "org.echorec.runtime.op.reduce.ReduceCuda",
            "org.echorec.runtime.op.norm.NormCuda", "org.echorec.runtime.op.softmax.SoftmaxCuda",
            "org.echorec.runtime.op.gather.GatherCuda", "org.echorec.runtime.op.random.RandomCuda",
            "org.echorec.runtime.op.conv.ConvCuda", "org.echorec.runtime.op.scan.SelectiveScanCuda",
            "org.echorec.runtime.op.fft.FftCuda", "org.echorec.runtime.op.fft.ComplexMulCuda",
            "org.echorec.runtime.op.select.TopKCuda", "org.echorec.runtime.op.optim.AdamCuda",
            "org.echorec.runtime.backend.cuda.Splits");
    private static final List<String> CU_FAMILIES = List.of("binary", "conv", "fft", "gather", "norm", "optim",
            "random", "reduce", "scan", "select", "softmax", "unary", "view");
    private static final Pattern KERNEL = Pattern.compile(
            "extern\\s+\"C\"\\s+__global__\\s+(?:__launch_bounds__\\s*\\([^)]*\\)\\s*)?void\\s+"
                    + "(?:__launch_bounds__\\s*\\([^)]*\\)\\s*)?(\\w+)\\s*\\(([^)]*)\\)");

    /** "family/kernel" → parameter kinds parsed from the C source. */
    private static final Map<String, List<Arg>> SIGNATURES = new TreeMap<>();

    @BeforeAll
    static void parseSources() throws IOException, ClassNotFoundException {
        for (String family : CU_FAMILIES) {
            String source = stripComments(KernelCompiler.source(Kernels.resource(family)));
            Matcher m = KERNEL.matcher(source);
            while (m.find()) {
                SIGNATURES.put(family + "/" + m.group(1), kinds(family + "/" + m.group(1), m.group(2)));
            }
        }
        for (String c : FAMILIES) {
            Class.forName(c, true, KernelSpecTest.class.getClassLoader());
        }
    }

    private static String stripComments(String s) {
        return s.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
    }

    /** The C parameter list as kinds: any pointer, (unsigned) long long, (unsigned) int, float, Geometry. */
    static List<Arg> kinds(String kernel, String params) {
        List<Arg> out = new ArrayList<>();
        for (String raw : params.split(",")) {
            String p = raw.replace("__restrict__", " ").replace("const", " ").trim().replaceAll("\\s+", " ");
            if (p.isEmpty()) {
                continue;
            }
            Arg kind;
            if (p.contains("*")) {
                kind = Arg.PTR;
            } else if (p.startsWith("Geometry ")) {
                kind = Arg.GEOMETRY;
            } else if (p.startsWith("long long ") || p.startsWith("unsigned long long ")) {
                kind = Arg.I64;
            } else if (p.startsWith("int ") || p.startsWith("unsigned int ")) {
                kind = Arg.I32;
            } else if (p.startsWith("float ")) {
                kind = Arg.F32;
            } else {
                throw new AssertionError(kernel + ": parameter type of '" + p + "' is not one the launcher knows");
            }
            out.add(kind);
        }
        return out;
    }

    /** The families' specs, without the ones this test makes up. */
    private static List<KernelSpec> familySpecs() {
        return KernelSpec.declared().stream().filter(s -> !s.family().equals("test")).toList();
    }

    @Test
    void theSourcesWereParsed() {
        assertTrue(SIGNATURES.size() >= 60, "kernels found: " + SIGNATURES.keySet());
        assertEquals(List.of(Arg.PTR, Arg.GEOMETRY, Arg.I64, Arg.I32), SIGNATURES.get("view/fill"));
        assertEquals(List.of(Arg.PTR, Arg.PTR, Arg.I64, Arg.F32, Arg.I64, Arg.I64), SIGNATURES.get("random/dropout"));
    }

    @Test
    void everySpecMatchesItsKernelsCSignature() {
        List<String> wrong = new ArrayList<>();
        for (KernelSpec spec : familySpecs()) {
            String key = spec.family() + "/" + spec.name();
            List<Arg> c = SIGNATURES.get(key);
            if (c == null) {
                wrong.add(key + ": no such kernel in " + Kernels.resource(spec.family()));
            } else if (!c.equals(spec.params())) {
                wrong.add(key + ": Java passes " + spec.params() + ", the kernel takes " + c);
            }
        }
        if (!wrong.isEmpty()) {
            fail(String.join("\n", wrong));
        }
    }

    @Test
    void everyKernelIsLaunchedBySomeFamily() {
        TreeSet<String> launched = new TreeSet<>();
        for (KernelSpec spec : familySpecs()) {
            launched.add(spec.family() + "/" + spec.name());
        }
        TreeSet<String> missing = new TreeSet<>(SIGNATURES.keySet());
        missing.removeAll(launched);
        assertTrue(missing.isEmpty(), "kernels without a launcher: " + missing);
    }

    @Test
    void aLaunchWithTheWrongJavaTypeFailsBeforeAnythingIsQueued() {
        KernelSpec spec = KernelSpec.of("test", "t", Arg.PTR, Arg.I64, Arg.I32, Arg.F32);
        spec.check(1L, 2L, 3, 4f);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> spec.check(1L, 2, 3, 4f));
        assertTrue(e.getMessage().contains("parameter 1 is I64"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> spec.check(1L, 2L, 3L, 4f));
        assertThrows(IllegalStateException.class, () -> spec.check(1L, 2L, 3, 4.0));
        assertThrows(IllegalStateException.class, () -> spec.check(1L, 2L, 3));
        KernelSpec g = KernelSpec.of("test", "g", Arg.GEOMETRY);
        try (Arena arena = Arena.ofConfined()) {
            g.check(arena.allocate(200));
            assertThrows(IllegalStateException.class, () -> g.check(arena.allocate(192)));
        }
    }

    @Test
    void splitsFollowReduceCuRule() {
        assertEquals(1, Splits.of(132, 264, 1 << 20), "enough blocks already");
        assertEquals(1, Splits.of(132, 1, 2047), "short axis");
        assertEquals(264, Splits.of(132, 1, 1 << 20));
        assertEquals(2, Splits.of(132, 2, 2048), "ceil(rows/1024) bounds it");
        assertEquals(3, Splits.of(132, 100, 1 << 20));
    }
}
