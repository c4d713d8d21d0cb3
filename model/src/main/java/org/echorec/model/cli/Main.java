package org.echorec.model.cli;

import java.io.PrintStream;
import java.util.Arrays;
import org.echorec.runtime.backend.cpu.CpuBackend;

/** {@code bin/echorec}: dispatches the subcommands; errors are one line on stderr, never a stack trace. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            usage(out);
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "demo" -> RuntimeDemo.run(rest, out);
                case "info" -> {
                    out.println(CpuBackend.get().describe());
                    yield 0;
                }
                default -> {
                    err.println("echorec: unknown command '" + args[0] + "' (try --help)");
                    yield 2;
                }
            };
        } catch (IllegalArgumentException e) {
            err.println("echorec: " + e.getMessage());
            return 2;
        }
    }

    private static void usage(PrintStream out) {
        out.println("usage: bin/echorec <command> [options]");
        out.println("  demo [--epochs N] [--seed S]   train a small next-item model on synthetic sequences");
        out.println("  info                           the compute backend of this machine");
    }
}
