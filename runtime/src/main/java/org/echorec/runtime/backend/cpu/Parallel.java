package org.echorec.runtime.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * The CPU kernels' threads: a dedicated pool, sized to the machine ({@code -Dechorec.threads=N}
 * overrides), that the calling thread joins as one of the workers, so an op on N threads wakes N−1.
 * Work is split into at most N contiguous ranges; a call from inside a worker runs inline, so kernels
 * may nest without oversubscribing the cores.
 */
public final class Parallel {
    private static final int THREADS = configuredThreads();
    private static final ForkJoinPool POOL = THREADS > 1 ? newPool(THREADS - 1) : null;

    private Parallel() {}

    /** A body run over the index range {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** Number of threads a kernel may use, the caller included. */
    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into contiguous ranges of at least {@code minChunk}
     * indices (the last may be shorter), one per thread. Exceptions propagate after all ranges end.
     */
    public static void forRange(int n, int minChunk, Range body) {
        if (n <= 0) {
            return;
        }
        int parts = (int) Math.min(THREADS, Math.max(1, n / (long) Math.max(1, minChunk)));
        if (parts <= 1 || inWorker()) {
            body.run(0, n);
            return;
        }
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[parts - 1];
        for (int p = 1; p < parts; p++) {
            int from = split(n, parts, p);
            int to = split(n, parts, p + 1);
            tasks[p - 1] = POOL.submit(() -> body.run(from, to));
        }
        Throwable failure = null;
        try {
            body.run(0, split(n, parts, 1));
        } catch (Throwable t) {
            failure = t;
        }
        for (ForkJoinTask<?> task : tasks) {
            try {
                task.join();
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                } else {
                    failure.addSuppressed(t);
                }
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new RuntimeException(failure);
        }
    }

    /** Index where part {@code p} of {@code parts} begins. */
    private static int split(int n, int parts, int p) {
        return (int) ((long) n * p / parts);
    }

    private static boolean inWorker() {
        return Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == POOL;
    }

    private static int configuredThreads() {
        String value = System.getProperty("echorec.threads");
        int n = value == null ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(value.trim());
        if (n < 1) {
            throw new IllegalArgumentException("echorec.threads must be at least 1, got " + value);
        }
        return n;
    }

    private static ForkJoinPool newPool(int workers) {
        ForkJoinPool.ForkJoinWorkerThreadFactory factory = pool -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("echorec-cpu-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        };
        return new ForkJoinPool(workers, factory, null, false);
    }
}
