package org.echorec.model.cli;

import java.util.Locale;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.cpu.CpuBackend;

/** {@code --device}: the backend a command runs on. */
final class Devices {
    private Devices() {}

    static Backend backend(String device) {
        return switch (device.toLowerCase(Locale.ROOT)) {
            case "cpu" -> CpuBackend.get();
            case "cuda", "gpu" -> throw new IllegalArgumentException(
                    "--device cuda: this build has no CUDA backend yet; use --device cpu");
            default -> throw new IllegalArgumentException("--device must be cpu or cuda, got '" + device + "'");
        };
    }
}
