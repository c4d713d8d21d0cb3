package org.echorec.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.backend.cpu.CpuKernels;
import org.echorec.runtime.backend.cpu.Parallel;
import org.echorec.runtime.op.Ops;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * The fused selective scan, forward and backward, at a Mamba4Rec block's shape: d_inner 128,
 * d_state 32, softplus(delta + bias), D skip, lengths 50 and 200, with the chunk count ScanGrad uses
 * (ceil(L/64)). Every call holds 12,800 tokens (batch 256 at L = 50, 64 at L = 200), so a SIMD call
 * takes tens of milliseconds at both lengths. Throughput in tokens (batch rows × steps) per second: the
 * {@code tokens} counter; the primary score is calls per second. {@code impl} picks the Vector API
 * kernels or the plain-Java ones, so the SIMD speedup is read off one run. Threads: every core the
 * kernels' pool has ({@code echorec.threads}, 2 here, printed at setup). All tensors are allocated
 * once in setup.
 *
 * <pre>bin/bench jmh ScanBench -f 1 -wi 3 -i 5 -w 2s -r 2s</pre>
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dechorec.threads=2"})
public class ScanBench {
    private static final int TOKENS = 12_800;
    private static final int CHANNELS = 128;
    private static final int STATES = 32;
    private static final int CHUNK = 64;

    @Param({"simd", "plain"})
    public String impl;

    @Param({"50", "200"})
    public int length;

    private int batch;
    private Scope scope;
    private Ops ops;
    private Tensor u, delta, a, b, c, d, bias, y, states, dy, du, ddelta, da, db, dc, dd, dbias;

    /** Tokens processed, reported by JMH as a rate. */
    @State(org.openjdk.jmh.annotations.Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Tokens {
        public long tokens;

        @Setup(Level.Iteration)
        public void reset() {
            tokens = 0;
        }
    }

    @Setup(Level.Trial)
    public void setup() {
        Backend backend = impl.equals("plain") ? CpuBackend.withKernels(CpuKernels.plain()) : CpuBackend.get();
        if (impl.equals("simd") && !CpuKernels.isSimd(((CpuBackend) backend).kernels())) {
            throw new IllegalStateException("SIMD kernels did not load: " + backend.describe());
        }
        System.out.println("# scan bench on " + backend.describe() + ", Parallel.threads() = " + Parallel.threads());
        ops = backend.ops();
        scope = Scope.detached("scan bench");
        int chunks = (length + CHUNK - 1) / CHUNK;
        batch = TOKENS / length;
        SplittableRandom r = new SplittableRandom(42);
        try (Scope.Entered ignored = scope.enter()) {
            u = random(backend, r, -1, 1, batch, length, CHANNELS);
            delta = random(backend, r, -4, 0, batch, length, CHANNELS);
            a = random(backend, r, -16, -1, CHANNELS, STATES);
            b = random(backend, r, -1, 1, batch, length, STATES);
            c = random(backend, r, -1, 1, batch, length, STATES);
            d = random(backend, r, 0, 1, CHANNELS);
            bias = random(backend, r, -2, 0, CHANNELS);
            dy = random(backend, r, -1, 1, batch, length, CHANNELS);
            y = Tensor.empty(backend, batch, length, CHANNELS);
            states = Tensor.empty(backend, batch, chunks, CHANNELS, STATES);
            du = Tensor.empty(backend, batch, length, CHANNELS);
            ddelta = Tensor.empty(backend, batch, length, CHANNELS);
            da = Tensor.empty(backend, CHANNELS, STATES);
            db = Tensor.empty(backend, batch, length, STATES);
            dc = Tensor.empty(backend, batch, length, STATES);
            dd = Tensor.empty(backend, CHANNELS);
            dbias = Tensor.empty(backend, CHANNELS);
        }
        forward(new Tokens()); // the backward reads the chunk states
    }

    private static Tensor random(Backend backend, SplittableRandom r, double lo, double hi, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return Tensor.of(backend, v, shape);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scope.close();
    }

    @Benchmark
    public void forward(Tokens counter) {
        ops.selectiveScan(u, delta, a, b, c, d, bias, true, null, y, states);
        counter.tokens += (long) batch * length;
    }

    @Benchmark
    public void backward(Tokens counter) {
        ops.selectiveScanBackward(u, delta, a, b, c, d, bias, true, null, states, dy, du, ddelta, da, db, dc, dd, dbias);
        counter.tokens += (long) batch * length;
    }
}
