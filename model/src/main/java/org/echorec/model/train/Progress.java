package org.echorec.model.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Training progress: a one-line bar redrawn in place with throughput and ETA when the output is a
 * terminal, plain log lines (about every ten seconds) otherwise, so that logs stay readable.
 */
public final class Progress {
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;
    private final PrintStream out;
    private final boolean terminal;
    private final String label;
    private final long total;
    private final long start = System.nanoTime();
    private long lastLog = start;
    private long done;

    Progress(PrintStream out, boolean terminal, String label, long total) {
        this.out = out;
        this.terminal = terminal;
        this.label = label;
        this.total = total;
    }

    /** Whether {@code out} is the process's terminal (a bar), not a file or pipe (log lines). */
    public static boolean terminal(PrintStream out) {
        return out == System.out && isTerminal();
    }

    static boolean isTerminal() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }

    void advance(long samples, double loss) {
        done += samples;
        long now = System.nanoTime();
        if (out == null) {
            return;
        }
        double seconds = (now - start) / 1e9;
        double rate = done / Math.max(seconds, 1e-9);
        double eta = (total - done) / Math.max(rate, 1e-9);
        if (terminal) {
            int width = 30;
            int filled = (int) (width * done / Math.max(1, total));
            out.printf(Locale.ROOT, "\r%s [%s%s] %d/%d  loss %.4f  %.0f samples/s  ETA %s ", label,
                    "=".repeat(filled), " ".repeat(width - filled), done, total, loss, rate, clock(eta));
            out.flush();
        } else if (now - lastLog >= LOG_EVERY_NANOS) {
            lastLog = now;
            out.printf(Locale.ROOT, "%s %d/%d samples  loss %.4f  %.0f samples/s  ETA %s%n", label, done, total,
                    loss, rate, clock(eta));
        }
    }

    /** Ends the bar's line on a terminal. */
    void finish() {
        if (out != null && terminal) {
            out.print("\r" + " ".repeat(100) + "\r");
            out.flush();
        }
    }

    double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
