package org.echorec.model.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.echorec.runtime.tensor.Tensor;

/**
 * A saved model: a directory holding
 * <ul>
 *   <li>{@value #MODEL}: the parameters, under the names the caller gives (PyTorch-style
 *       {@code mamba_layers.0.mamba.in_proj.weight}), with {@code __metadata__ {"format": "pt"}} as
 *       Hugging Face loaders expect;
 *   <li>{@value #CONFIG}: the model configuration, a JSON object, pretty printed;
 *   <li>{@value #ITEMS}: the item id tokens, UTF-8, one per line, line {@code i} (from 0) = internal id
 *       {@code i}; line 0 is the padding token {@value #PAD};
 *   <li>optionally {@value #TRAIN_STATE} (optimizer moments, step, epoch: whatever named arrays the
 *       trainer needs to resume) and {@value #METRICS}.
 * </ul>
 * The directory is replaced as a whole by {@link #save} (see {@link AtomicFiles} for the one brief
 * window and what a crash can leave). {@link #load} reads only the directory itself, never the hidden
 * {@code .<name>.tmp-}/{@code .old-} siblings of an interrupted save.
 *
 * @param dir the directory loaded
 * @param config the content of {@value #CONFIG}, a JSON object
 * @param params the content of {@value #MODEL}
 * @param itemTokens the lines of {@value #ITEMS}, index = internal item id, {@code itemTokens.get(0)} = {@value #PAD}
 * @param trainState the content of {@value #TRAIN_STATE} if present
 * @param metrics the content of {@value #METRICS} if present
 */
public record Checkpoint(
        Path dir,
        JsonNode config,
        SafeTensors params,
        List<String> itemTokens,
        Optional<SafeTensors> trainState,
        Optional<JsonNode> metrics) {

    public static final String MODEL = "model.safetensors";
    public static final String CONFIG = "config.json";
    public static final String ITEMS = "items.txt";
    public static final String TRAIN_STATE = "train_state.safetensors";
    public static final String METRICS = "metrics.json";
    /** The token of internal item id 0. */
    public static final String PAD = "[PAD]";

    public Checkpoint {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(params, "params");
        itemTokens = List.copyOf(itemTokens);
        Objects.requireNonNull(trainState, "trainState");
        Objects.requireNonNull(metrics, "metrics");
    }

    /** Number of items including the padding item 0. */
    public int itemCount() {
        return itemTokens.size();
    }

    // ---------------------------------------------------------------- save

    /**
     * Writes a checkpoint directory, replacing any previous one at {@code dir} as a whole.
     *
     * @param config a JSON object
     * @param params tensors written in the map's iteration order under its keys
     * @param itemTokens line 0 must be {@value #PAD}; tokens are non-empty, unique, without line breaks
     * @param trainStateOrNull optional resume state, written to {@value #TRAIN_STATE}
     * @param metricsOrNull optional JSON, written to {@value #METRICS}
     */
    public static void save(Path dir, JsonNode config, Map<String, Tensor> params, List<String> itemTokens,
            Map<String, Tensor> trainStateOrNull, JsonNode metricsOrNull) throws IOException {
        Objects.requireNonNull(dir, "dir");
        if (config == null || !config.isObject()) {
            throw new IllegalArgumentException("checkpoint config must be a JSON object, got "
                    + (config == null ? "null" : config.getNodeType()));
        }
        Objects.requireNonNull(params, "params");
        String items = itemsText(itemTokens);
        // copy the tensors to host before touching the disk: a failure here leaves nothing behind
        List<SafeTensors.Entry> paramEntries = SafeTensors.entriesOf(params);
        List<SafeTensors.Entry> stateEntries = trainStateOrNull == null ? null : SafeTensors.entriesOf(trainStateOrNull);
        byte[] configBytes = pretty(config);
        byte[] metricsBytes = metricsOrNull == null ? null : pretty(metricsOrNull);

        AtomicFiles.writeDirectory(dir, tmp -> {
            writeFile(tmp.resolve(MODEL), out -> SafeTensors.write(out, paramEntries, Map.of("format", "pt")));
            writeFile(tmp.resolve(CONFIG), out -> out.write(configBytes));
            writeFile(tmp.resolve(ITEMS), out -> out.write(items.getBytes(StandardCharsets.UTF_8)));
            if (stateEntries != null) {
                writeFile(tmp.resolve(TRAIN_STATE), out -> SafeTensors.write(out, stateEntries, Map.of()));
            }
            if (metricsBytes != null) {
                writeFile(tmp.resolve(METRICS), out -> out.write(metricsBytes));
            }
        });
    }

    /** Inside the private temporary directory a plain write is enough; the directory swap is the atomic step. */
    private static void writeFile(Path file, AtomicFiles.StreamWriter content) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            content.write(out);
        }
    }

    private static byte[] pretty(JsonNode node) {
        try {
            return (Json.PRETTY.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON: " + Json.describe(e), e);
        }
    }

    private static String itemsText(List<String> tokens) {
        Objects.requireNonNull(tokens, "itemTokens");
        if (tokens.isEmpty() || !PAD.equals(tokens.get(0))) {
            throw new IllegalArgumentException("item token 0 must be " + PAD + ", got "
                    + (tokens.isEmpty() ? "no tokens" : "'" + tokens.get(0) + "'"));
        }
        StringBuilder sb = new StringBuilder();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t == null || t.isEmpty() || t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("item token " + i + " is empty, null or has a line break: "
                        + (t == null ? "null" : "'" + t.replace("\n", "\\n").replace("\r", "\\r") + "'"));
            }
            Integer first = seen.putIfAbsent(t, i);
            if (first != null) {
                throw new IllegalArgumentException("item token '" + t + "' appears twice, as ids " + first + " and " + i);
            }
            sb.append(t).append('\n');
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- load

    /**
     * Reads a checkpoint directory. A missing directory, a missing required file or a malformed file
     * is an {@link IllegalArgumentException} with a one-line message naming the path and the file;
     * other I/O failures (permissions, a failing disk) are {@link IOException}s.
     */
    public static Checkpoint load(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new IllegalArgumentException("checkpoint " + dir + ": directory does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("checkpoint " + dir + ": not a directory");
        }
        JsonNode config = readJson(dir, CONFIG, true);
        if (!config.isObject()) {
            throw broken(dir, CONFIG, "not a JSON object");
        }
        SafeTensors params = readTensors(dir, MODEL, true);
        List<String> items = readItems(dir);
        Optional<SafeTensors> state = Optional.ofNullable(readTensors(dir, TRAIN_STATE, false));
        Optional<JsonNode> metrics = Optional.ofNullable(readJson(dir, METRICS, false));
        return new Checkpoint(dir, config, params, items, state, metrics);
    }

    private static SafeTensors readTensors(Path dir, String name, boolean required) throws IOException {
        Path file = dir.resolve(name);
        if (!present(dir, name, required)) {
            return null;
        }
        try {
            return SafeTensors.read(file);
        } catch (IllegalArgumentException e) {
            // SafeTensors' message already names the file: "bad safetensors file <path>: <what>"
            throw new IllegalArgumentException("checkpoint " + dir + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode readJson(Path dir, String name, boolean required) throws IOException {
        if (!present(dir, name, required)) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(dir.resolve(name).toFile());
            if (node == null || node.isMissingNode()) {
                throw broken(dir, name, "empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw broken(dir, name, "not valid JSON: " + Json.describe(e));
        }
    }

    private static List<String> readItems(Path dir) throws IOException {
        present(dir, ITEMS, true);
        String text;
        try {
            byte[] bytes = Files.readAllBytes(dir.resolve(ITEMS));
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw broken(dir, ITEMS, "not valid UTF-8");
        }
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty()) {
            throw broken(dir, ITEMS, "empty, needs at least the line " + PAD);
        }
        String[] lines = text.split("\n", -1);
        List<String> tokens = new ArrayList<>(lines.length);
        Map<String, Integer> seen = new TreeMap<>();
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (t.isEmpty()) {
                throw broken(dir, ITEMS, "line " + (i + 1) + " is empty");
            }
            Integer first = seen.putIfAbsent(t, i);
            if (first != null) {
                throw broken(dir, ITEMS, "token '" + t + "' on lines " + (first + 1) + " and " + (i + 1));
            }
            tokens.add(t);
        }
        if (!tokens.get(0).equals(PAD)) {
            throw broken(dir, ITEMS, "line 1 is '" + tokens.get(0) + "', expected the padding token " + PAD);
        }
        return tokens;
    }

    /** True if {@code dir/name} is a regular file; an error if it is required and absent. */
    private static boolean present(Path dir, String name, boolean required) {
        Path file = dir.resolve(name);
        if (Files.isRegularFile(file)) {
            return true;
        }
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw broken(dir, name, "not a regular file");
        }
        if (required) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + name + " is missing");
        }
        return false;
    }

    private static IllegalArgumentException broken(Path dir, String name, String what) {
        return new IllegalArgumentException("checkpoint " + dir + ": " + name + " is broken: " + Json.oneLine(what));
    }
}
