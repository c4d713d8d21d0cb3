package org.echorec.model.cli;

import java.util.Locale;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.backend.cuda.CudaBackend;

/**
 * {@code --device}: the backend a command runs on. Without a usable GPU, {@code cuda} fails with the
 * backend's one-sentence reason (an {@link IllegalStateException}, which Main prints as one line).
 */
final class Devices {
    private Devices() {}

    static Backend backend(String device) {
        return switch (device.toLowerCase(Locale.ROOT)) {
            case "cpu" -> CpuBackend.get();
            case "cuda", "gpu" -> cuda();
            default -> throw new IllegalArgumentException("--device must be cpu or cuda, got '" + device + "'");
        };
    }

    private static Backend cuda() {
        try {
            return CudaBackend.get();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("--device cuda: " + e.getMessage(), e);
        }
    }
}
