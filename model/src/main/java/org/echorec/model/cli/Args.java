package org.echorec.model.cli;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} and {@code --flag} options of one subcommand. Unknown options, missing values
 * and malformed numbers are one-line errors that name the option.
 */
final class Args {
    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> flags = new HashSet<>();

    private Args(String command) {
        this.command = command;
    }

    /**
     * @param valued the options that take a value
     * @param flagNames the options that do not
     */
    static Args parse(String command, String[] args, List<String> valued, List<String> flagNames) {
        Args a = new Args(command);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            if (flagNames.contains(name) && inline == null) {
                a.flags.add(name);
            } else if (valued.contains(name)) {
                if (inline == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(command + ": " + name + " needs a value");
                    }
                    inline = args[++i];
                }
                a.values.put(name, inline);
            } else {
                throw new IllegalArgumentException(command + ": unknown option " + arg + " (try --help)");
            }
        }
        return a;
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException(command + ": " + name + " is required");
        }
        return v;
    }

    int integer(String name, int fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(command + ": " + name + " must be an integer, got '" + v + "'");
        }
    }

    int positive(String name, int fallback) {
        int v = integer(name, fallback);
        if (v <= 0) {
            throw new IllegalArgumentException(command + ": " + name + " must be positive, got " + v);
        }
        return v;
    }

    long longValue(String name, long fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(command + ": " + name + " must be an integer, got '" + v + "'");
        }
    }

    float number(String name, float fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Float.parseFloat(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(command + ": " + name + " must be a number, got '" + v + "'");
        }
    }
}
