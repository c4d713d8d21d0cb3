package org.echorec.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.backend.cpu.CpuKernels;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.op.CheckedOps;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The frequency filter's transforms at the model's shapes: rfft and irfft along L of x
 * {@code [B=2048, L, C=64]} (spectrum {@code [B, L/2+1, C, 2]}), with the Vector API kernels and
 * the plain ones, on the kernel thread pool ({@code -Dechorec.threads=2}, the caller included).
 * Time per call; elements/s is {@code B·L·C / time}, and the bytes moved per call are
 * {@code 4·B·L·C + 8·B·(L/2+1)·C} (read one side, write the other), e.g. 210 MB at L = 200.
 *
 * <pre>bin/bench jmh FftBench -f 1 -wi 3 -i 5 -w 2s -r 2s</pre>
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dechorec.threads=2"})
public class FftBench {
    static final int BATCH = 2048;
    static final int CHANNELS = 64;

    @Param({"50", "200"})
    int length;

    @Param({"simd", "plain"})
    String impl;

    private Scope scope;
    private Ops ops;
    private Tensor x;
    private Tensor spec;
    private Tensor y;

    @Setup(Level.Trial)
    public void setup() {
        CpuBackend backend = switch (impl) {
            case "simd" -> CpuBackend.get();
            case "plain" -> CpuBackend.withKernels(CpuKernels.plain());
            default -> throw new IllegalArgumentException("impl must be simd or plain, got " + impl);
        };
        if (impl.equals("simd") && !CpuKernels.isSimd(backend.kernels())) {
            throw new IllegalStateException("the Vector API kernels did not load: " + backend.describe());
        }
        System.out.println("# " + backend.describe() + ", Parallel.threads() = " + Parallel.threads());
        ops = backend.ops();
        scope = Scope.detached("fft-bench");
        try (Scope.Entered ignored = scope.enter()) {
            x = Tensor.empty(backend, BATCH, length, CHANNELS);
            spec = Tensor.empty(backend, CheckedOps.spectrumShape(x.shape(), 1));
            y = Tensor.emptyLike(x);
        }
        float[] values = new float[Math.toIntExact(x.numel())];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (2 * random.nextDouble() - 1);
        }
        x.copyFrom(values);
        ops.rfft(x, 1, spec);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scope.close();
    }

    @Benchmark
    public void rfft() {
        ops.rfft(x, 1, spec);
    }

    @Benchmark
    public void irfft() {
        ops.irfft(spec, 1, y);
    }
}
