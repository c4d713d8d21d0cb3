package org.echorec.model.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** How metrics are printed: one aligned line per cutoff, and as JSON. */
final class Report {
    private Report() {}

    static void metrics(PrintStream out, String label, Map<String, Double> m) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-22s", label));
        for (int k : new int[] {5, 10, 20}) {
            line.append(String.format(Locale.ROOT, "  HR@%d %.4f NDCG@%d %.4f MRR@%d %.4f", k,
                    m.getOrDefault("hr@" + k, Double.NaN), k, m.getOrDefault("ndcg@" + k, Double.NaN), k,
                    m.getOrDefault("mrr@" + k, Double.NaN)));
        }
        out.println(line);
    }

    static ObjectNode toJson(Map<String, Double> m) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        if (m != null) {
            m.forEach((k, v) -> o.put(k, Math.round(v * 1e6) / 1e6));
        }
        return o;
    }
}
