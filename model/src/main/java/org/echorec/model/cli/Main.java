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
        if (args.length == 0 || isHelp(args[0])) {
            usage(out);
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (Arrays.stream(rest).anyMatch(Main::isHelp)) {
            usage(out);
            return 0;
        }
        try {
            applyThreads(rest);
            return switch (args[0]) {
                case "demo" -> Demo.run(rest, out);
                case "runtime-demo" -> RuntimeDemo.run(rest, out);
                case "train" -> TrainCommand.run(rest, out);
                case "evaluate" -> EvaluateCommand.run(rest, out);
                case "recommend" -> RecommendCommand.run(rest, out);
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
        } catch (java.io.UncheckedIOException | IllegalStateException e) {
            err.println("echorec: " + e.getMessage());
            return 1;
        }
    }

    /**
     * {@code --threads N} must reach the kernels before the CPU backend starts its pool, so it is
     * read here, ahead of the subcommand's own parsing (which accepts and ignores it).
     */
    private static void applyThreads(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String value = null;
            if (args[i].equals("--threads") && i + 1 < args.length) {
                value = args[i + 1];
            } else if (args[i].startsWith("--threads=")) {
                value = args[i].substring("--threads=".length());
            }
            if (value != null) {
                try {
                    if (Integer.parseInt(value.trim()) <= 0) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--threads must be a positive integer, got '" + value + "'");
                }
                System.setProperty("echorec.threads", value.trim());
            }
        }
    }

    private static boolean isHelp(String arg) {
        return arg.equals("-h") || arg.equals("--help");
    }

    private static void usage(PrintStream out) {
        out.println("usage: bin/echorec <command> [options]");
        out.println("  demo [--epochs N] [--seed S] [--model M]   train EchoMamba4Rec on synthetic histories, evaluate, recommend");
        out.println("  train --model {echomamba4rec,mamba4rec,sasrec} --data FILE --out DIR");
        out.println("        [--format auto|inter|dat|csv|plain] [--max-len 50] [--epochs 300] [--patience 10] [--batch 2048]");
        out.println("        [--lr 1e-3] [--hidden 64] [--layers N] [--d-state 32] [--dropout P] [--seed 2020] [--kcore K]");
        out.println("        [--mamba-init] [--mask-history] [--resume] [--device cpu|cuda] [--threads N] [--json] [--quiet]");
        out.println("  evaluate --model-dir DIR --data FILE [--mask-history] [--json]");
        out.println("  recommend --model-dir DIR --history ITEM,ITEM,... [--k 10] [--exclude-history] [--json]");
        out.println("  info                                       the compute backend of this machine");
        out.println("  runtime-demo                               the runtime's own MLP demo");
    }
}
