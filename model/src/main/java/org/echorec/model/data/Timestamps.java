package org.echorec.model.data;

/** Timestamp text to a number without a substring or an exception on the common all-digits path. */
final class Timestamps {
    private Timestamps() {}

    /** The number in {@code text[from, to)}, or NaN where it is not a finite decimal number. */
    static double parse(String text, int from, int to) {
        if (from >= to) {
            return Double.NaN;
        }
        int i = from;
        boolean negative = text.charAt(i) == '-';
        if (negative || text.charAt(i) == '+') {
            i++;
        }
        // Epoch seconds or milliseconds: at most 18 digits cannot overflow a long.
        if (i < to && to - i <= 18) {
            long value = 0;
            int j = i;
            for (; j < to; j++) {
                char c = text.charAt(j);
                if (c < '0' || c > '9') {
                    break;
                }
                value = value * 10 + (c - '0');
            }
            if (j == to) {
                return negative ? -value : value;
            }
        }
        // Double.parseDouble alone would also take "NaN", "Infinity", "1d", "0x1p3" and surrounding
        // blanks; only plain decimal notation is a timestamp here.
        for (int j = from; j < to; j++) {
            char c = text.charAt(j);
            boolean decimal = (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+';
            if (!decimal) {
                return Double.NaN;
            }
        }
        try {
            double value = Double.parseDouble(text.substring(from, to));
            return Double.isFinite(value) ? value : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
