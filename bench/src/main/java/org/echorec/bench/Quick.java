package org.echorec.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.echorec.bindings.openblas.cblas_h;
import org.echorec.runtime.backend.cpu.CpuBackend;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@code bin/bench quick}: short JMH runs of the GEMM (against OpenBLAS), the selective scan and the
 * FFT benchmarks, converted to the figures that matter (GFLOP/s, tokens/s, ms per call) and printed
 * as a table, or with {@code --json} as one JSON object per line. Each benchmark runs in a forked JVM
 * with 2 warm-up and 3 measured iterations of 1 s; the median of the measured iterations is reported.
 * For the full JMH runs behind these figures use {@code bin/bench jmh}.
 */
public final class Quick {
    /** One reported figure; {@code baseline} and {@code ratio} are NaN where nothing is compared. */
    record Figure(String name, double value, String unit, double baseline, double ratio, String baselineName) {}

    private Quick() {}

    public static void main(String[] args) throws RunnerException, IOException {
        boolean json = List.of(args).contains("--json");
        List<Figure> figures = new ArrayList<>();
        if (!json) {
            System.out.println("# " + machine());
            System.out.println("# " + CpuBackend.get().describe());
            System.out.println("# OpenBLAS: " + openBlasLine());
            System.out.println("# running short JMH benchmarks (a few minutes) ...");
        }
        figures.addAll(gemm());
        figures.addAll(scan());
        figures.addAll(fft());
        if (json) {
            figures.forEach(f -> System.out.println(toJson(f)));
        } else {
            printTable(figures);
        }
    }

    // ------------------------------------------------------------------ GEMM vs OpenBLAS

    private static List<Figure> gemm() throws RunnerException {
        Collection<RunResult> results = run(GemmBench.class);
        List<Figure> out = new ArrayList<>();
        for (RunResult echorec : results) {
            if (!echorec.getParams().getBenchmark().endsWith(".echorec")) {
                continue;
            }
            String shape = echorec.getParams().getParam("shape");
            double flops = flops(shape);
            double mine = flops / (median(echorec.getPrimaryResult()) * 1e-3) / 1e9;
            Optional<RunResult> blas = results.stream()
                    .filter(r -> r.getParams().getBenchmark().endsWith(".openblas"))
                    .filter(r -> r.getParams().getParam("shape").equals(shape))
                    .findFirst();
            double theirs = blas.isPresent() && cblas_h.LIBRARY.isAvailable()
                    ? flops / (median(blas.get().getPrimaryResult()) * 1e-3) / 1e9 : Double.NaN;
            out.add(new Figure("gemm " + shape, mine, "GFLOP/s", theirs, mine / theirs, "OpenBLAS"));
        }
        return out;
    }

    /** 2·M·N·K of a GemmBench shape {@code MxKxN[tA|tB]}. */
    static double flops(String shape) {
        String[] dims = shape.replaceAll("t[AB]$", "").split("x");
        return 2.0 * Double.parseDouble(dims[0]) * Double.parseDouble(dims[1]) * Double.parseDouble(dims[2]);
    }

    // ------------------------------------------------------------------ selective scan

    private static List<Figure> scan() throws RunnerException {
        Collection<RunResult> results = run(ScanBench.class);
        List<Figure> out = new ArrayList<>();
        for (String direction : new String[] {"forward", "backward"}) {
            for (String length : new String[] {"50", "200"}) {
                double simd = tokens(results, direction, length, "simd");
                double plain = tokens(results, direction, length, "plain");
                out.add(new Figure("selective scan " + direction + " L=" + length + " d_inner=128 d_state=32",
                        simd, "tokens/s", plain, simd / plain, "plain Java"));
            }
        }
        return out;
    }

    private static double tokens(Collection<RunResult> results, String method, String length, String impl) {
        return results.stream()
                .filter(r -> r.getParams().getBenchmark().endsWith("." + method))
                .filter(r -> r.getParams().getParam("length").equals(length))
                .filter(r -> r.getParams().getParam("impl").equals(impl))
                .map(r -> median(r.getSecondaryResults().get("tokens")))
                .findFirst().orElse(Double.NaN);
    }

    // ------------------------------------------------------------------ FFT

    private static List<Figure> fft() throws RunnerException {
        Collection<RunResult> results = run(FftBench.class);
        List<Figure> out = new ArrayList<>();
        for (String method : new String[] {"rfft", "irfft"}) {
            for (String length : new String[] {"50", "200"}) {
                double simd = millis(results, method, length, "simd");
                double plain = millis(results, method, length, "plain");
                // a time: the baseline over the value is the speed-up
                out.add(new Figure(method + " " + FftBench.BATCH + "x" + length + "x" + FftBench.CHANNELS,
                        simd, "ms/call", plain, plain / simd, "plain Java"));
            }
        }
        return out;
    }

    private static double millis(Collection<RunResult> results, String method, String length, String impl) {
        return results.stream()
                .filter(r -> r.getParams().getBenchmark().endsWith("." + method))
                .filter(r -> r.getParams().getParam("length").equals(length))
                .filter(r -> r.getParams().getParam("impl").equals(impl))
                .map(r -> median(r.getPrimaryResult()))
                .findFirst().orElse(Double.NaN);
    }

    // ------------------------------------------------------------------ running and printing

    private static Collection<RunResult> run(Class<?> benchmark) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("\\." + benchmark.getSimpleName() + "\\.")
                .forks(1)
                .warmupIterations(2)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(3)
                .measurementTime(TimeValue.seconds(1))
                .verbosity(VerboseMode.SILENT);
        return new Runner(options.build()).run();
    }

    /** The median of the measured iterations (JMH's own score is their mean). */
    private static double median(Result<?> result) {
        return result.getStatistics().getPercentile(50);
    }

    private static void printTable(List<Figure> figures) {
        System.out.printf(Locale.ROOT, "%-52s %14s %-9s %14s %7s  %s%n", "benchmark", "value", "unit",
                "baseline", "ratio", "baseline is");
        for (Figure f : figures) {
            System.out.printf(Locale.ROOT, "%-52s %14.2f %-9s %14s %7s  %s%n", f.name(), f.value(), f.unit(),
                    Double.isNaN(f.baseline()) ? "-" : String.format(Locale.ROOT, "%.2f", f.baseline()),
                    Double.isNaN(f.ratio()) ? "-" : String.format(Locale.ROOT, "%.2fx", f.ratio()),
                    Double.isNaN(f.baseline()) ? "(absent)" : f.baselineName());
        }
    }

    static String toJson(Figure f) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"name\":\"").append(f.name()).append("\",\"value\":").append(number(f.value()))
                .append(",\"unit\":\"").append(f.unit()).append('"');
        if (!Double.isNaN(f.baseline())) {
            sb.append(",\"baseline\":").append(number(f.baseline()))
                    .append(",\"ratio\":").append(number(f.ratio()))
                    .append(",\"baseline_name\":\"").append(f.baselineName()).append('"');
        }
        return sb.append('}').toString();
    }

    private static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "null";
    }

    private static String machine() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown CPU") + ", " + Runtime.getRuntime().availableProcessors() + " cores";
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String openBlasLine() {
        if (!cblas_h.LIBRARY.isAvailable()) {
            return "absent (" + cblas_h.LIBRARY.unavailableReason() + "): GEMM comparisons skipped";
        }
        return cblas_h.LIBRARY.origin() + ", core " + cblas_h.openblas_get_corename().reinterpret(256).getString(0)
                + " (OPENBLAS_CORETYPE=" + System.getenv("OPENBLAS_CORETYPE") + ")";
    }
}
