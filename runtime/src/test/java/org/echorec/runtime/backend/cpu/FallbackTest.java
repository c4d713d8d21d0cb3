package org.echorec.runtime.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A JVM started without {@code --add-modules jdk.incubator.vector} must run the plain kernels and say
 * why in one line, not crash: checked in a child JVM of the same Java.
 */
class FallbackTest {

    /** Entry point of the child JVM: one op through the default backend, then its description. */
    public static void main(String[] args) {
        CpuBackend cpu = CpuBackend.get();
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(cpu, new float[] {1, 2, 3}, 3);
            cpu.ops().affine(x, 2f, 1f, x);
            System.out.println("result " + java.util.Arrays.toString(x.toFloatArray()));
        }
        System.out.println("backend " + cpu.describe());
    }

    @Test
    void withoutTheIncubatorModuleThePlainKernelsRunWithAOneLineWarning() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), FallbackTest.class.getName()));
        Process p = new ProcessBuilder(command).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "child JVM failed: " + err);
        assertTrue(out.contains("result [3.0, 5.0, 7.0]"), out);
        assertTrue(out.contains("backend cpu: plain Java kernels"), out);
        List<String> warnings = err.lines().filter(l -> l.startsWith("echorec:")).toList();
        assertEquals(1, warnings.size(), err);
        assertTrue(warnings.get(0).contains("add --add-modules jdk.incubator.vector"), warnings.get(0));
    }
}
