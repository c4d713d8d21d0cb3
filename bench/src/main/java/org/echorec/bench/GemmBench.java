package org.echorec.bench;

import static org.echorec.bindings.openblas.cblas_h.CblasNoTrans;
import static org.echorec.bindings.openblas.cblas_h.CblasRowMajor;
import static org.echorec.bindings.openblas.cblas_h.CblasTrans;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.echorec.bindings.openblas.cblas_h;
import org.echorec.runtime.backend.cpu.Cpu;
import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.tensor.DType;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * echorec's SIMD GEMM against OpenBLAS's {@code cblas_sgemm} on the same off-heap buffers, with the
 * same number of threads ({@link Parallel#threads()}, the machine's cores). Shapes are {@code MxKxN},
 * with {@code tA} when A is given transposed ({@code [K,M]}, the weight gradient {@code dYᵀ·X}) and
 * {@code tB} when B is ({@code [N,K]}, the item embeddings of the scoring shape). C is overwritten
 * (beta = 0). GFLOP/s = 2·M·N·K / time.
 *
 * <p>Run with {@code OPENBLAS_CORETYPE=SkylakeX} in the environment: OpenBLAS 0.3.21 does not know
 * Zen 5 and otherwise runs its AVX2 kernels (PERF_NOTES); the setup prints the core type it got.
 * Without OpenBLAS the {@code openblas} benchmark is skipped: its setup prints why and its body
 * returns at once (so its score then means nothing).
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GemmBench {
    private static final long WARM_UP_NANOS = TimeUnit.SECONDS.toNanos(4);

    @Param({"102400x64x64", "102400x64x128", "102400x64x256", "102400x128x64", "102400x256x64", "102400x128x128",
            "2048x64x12102tB", "64x102400x256tA", "1024x1024x1024"})
    public String shape;

    private boolean transA;
    private boolean transB;
    private int m;
    private int n;
    private int k;
    private Scope scope;
    private Ops ops;
    private Tensor a;
    private Tensor b;
    private Tensor c;
    private MemorySegment sa;
    private MemorySegment sb;
    private MemorySegment sc;
    private boolean openBlas;

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        parse(shape);
        CpuBackend cpu = CpuBackend.get();
        ops = cpu.ops();
        scope = Scope.detached("GemmBench");
        a = Tensor.empty(scope, cpu, DType.F32, transA ? new int[] {k, m} : new int[] {m, k});
        b = Tensor.empty(scope, cpu, DType.F32, transB ? new int[] {n, k} : new int[] {k, n});
        c = Tensor.empty(scope, cpu, DType.F32, m, n);
        fill(a, 1);
        fill(b, 2);
        ops.fill(c, 0f);
        sa = Cpu.data(a);
        sb = Cpu.data(b);
        sc = Cpu.data(c);
        openBlas = cblas_h.LIBRARY.isAvailable();
        System.out.println();
        System.out.println("echorec: " + cpu.describe());
        if (openBlas) {
            cblas_h.openblas_set_num_threads(Parallel.threads());
            System.out.println("OpenBLAS: " + cblas_h.LIBRARY.origin() + ", core "
                    + cblas_h.openblas_get_corename().reinterpret(256).getString(0) + ", "
                    + cblas_h.openblas_get_num_threads() + " threads, OPENBLAS_CORETYPE="
                    + System.getenv("OPENBLAS_CORETYPE"));
        } else {
            System.out.println("OpenBLAS benchmark skipped: " + cblas_h.LIBRARY.unavailableReason());
        }
        warmUp(params.getBenchmark().endsWith(".openblas") ? this::openblas : this::echorec);
    }

    /**
     * Runs the benchmark for a few seconds before JMH's own warm-up: on a busy two-core machine the JIT
     * threads get little time, and a path compiled during measurement skews it (PERF_NOTES, pitfall 3).
     */
    private static void warmUp(Runnable body) {
        long end = System.nanoTime() + WARM_UP_NANOS;
        for (int i = 0; i < 3 || System.nanoTime() < end; i++) {
            body.run();
        }
    }

    private void parse(String s) {
        transA = s.endsWith("tA");
        transB = s.endsWith("tB");
        String[] dims = s.replaceAll("t[AB]$", "").split("x");
        m = Integer.parseInt(dims[0]);
        k = Integer.parseInt(dims[1]);
        n = Integer.parseInt(dims[2]);
    }

    private static void fill(Tensor t, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[Math.toIntExact(t.numel())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        t.copyFrom(values);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scope.close();
    }

    @Benchmark
    public void echorec() {
        ops.gemm(transA, transB, 1f, a, b, 0f, c);
    }

    @Benchmark
    public void openblas() {
        if (!openBlas) {
            return;
        }
        cblas_h.cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                m, n, k, 1f, sa, transA ? m : k, sb, transB ? k : n, 0f, sc, n);
    }
}
