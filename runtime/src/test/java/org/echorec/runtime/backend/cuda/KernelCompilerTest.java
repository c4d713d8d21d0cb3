package org.echorec.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.echorec.bindings.nvrtc.nvrtc_h;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every kernel source of the runtime compiled by NVRTC through the runtime's own binding, as the CUDA
 * backend does at run time, so that a kernel that does not compile fails here, on a machine without a GPU.
 * Skipped, with the reason, without NVRTC (CI installs Debian's {@code libnvrtc11.2}).
 */
class KernelCompilerTest {
    private static final Pattern KERNEL = Pattern.compile(
            "extern\\s+\"C\"\\s+__global__\\s+void\\s+(?:__launch_bounds__\\s*\\([^)]*\\)\\s+)?(\\w+)\\s*\\(");

    @BeforeEach
    void needsNvrtc() {
        assumeTrue(nvrtc_h.LIBRARY.isAvailable(), () -> "skipped: " + nvrtc_h.LIBRARY.unavailableReason());
    }

    static List<Path> kernelSources() throws IOException, URISyntaxException {
        Path root = Path.of(KernelCompilerTest.class.getClassLoader().getResource("org/echorec/runtime/op/KERNELS.md").toURI()).getParent();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".cu")).sorted().toList();
        }
    }

    @Test
    void everyFamilysKernelsCompileForAmpereAndHopper() throws Exception {
        List<Path> sources = kernelSources();
        assertFalse(sources.isEmpty(), "no .cu resources found under org/echorec/runtime/op");
        for (Path file : sources) {
            String family = file.getFileName().toString().replace(".cu", "");
            assertEquals(Kernels.resource(family), "org/echorec/runtime/op/" + file.getParent().getFileName() + "/"
                    + file.getFileName(), "a family's kernels live in op/<family>/<family>.cu: " + file);
            String source = KernelCompiler.source(Kernels.resource(family));
            for (int arch : new int[] {80, 90}) {
                String ptx = KernelCompiler.ptx(file.getFileName().toString(), source, arch);
                Matcher m = KERNEL.matcher(source);
                int kernels = 0;
                while (m.find()) {
                    kernels++;
                    assertTrue(ptx.contains(".entry " + m.group(1) + "("),
                            file.getFileName() + ": kernel " + m.group(1) + " missing from the PTX for compute_" + arch);
                }
                assertTrue(kernels > 0, file + " declares no extern \"C\" __global__ kernel");
                assertTrue(ptx.contains(".target sm_" + arch), "PTX targets sm_" + arch);
            }
        }
    }

    @Test
    void aCompileErrorNamesTheFileAndLine() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KernelCompiler.ptx("broken.cu",
                "extern \"C\" __global__ void broken(float* x) {\n  x[0] = undefined_name;\n}\n", 80));
        assertTrue(e.getMessage().contains("broken.cu(2)"), e.getMessage());
        assertTrue(e.getMessage().contains("NVRTC_ERROR_COMPILATION"), e.getMessage());
    }

    @Test
    void theArchitectureIsTheDevicesOrTheNewestBelowIt() {
        assertEquals(80, KernelCompiler.architectureFor(80));
        assertEquals(90, KernelCompiler.architectureFor(90));
        int newest = KernelCompiler.architectureFor(10_000);
        assertTrue(newest >= 90, "NVRTC 11.8 and later know sm_90: " + newest);
        assertThrows(IllegalStateException.class, () -> KernelCompiler.architectureFor(10));
    }
}
