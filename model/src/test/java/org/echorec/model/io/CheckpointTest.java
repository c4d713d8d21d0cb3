package org.echorec.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.tensor.DType;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    private static final List<String> ITEMS = List.of("[PAD]", "item_17", "B00X4WHP5E", "ü-ñ 日本");

    private final Backend cpu = CpuBackend.get();

    @TempDir
    Path tmp;

    @Test
    void roundTripWithTrainStateAndMetrics() throws IOException {
        Path dir = tmp.resolve("ckpt");
        ObjectNode config = config();
        ObjectNode metrics = Json.MAPPER.createObjectNode().put("epoch", 3).put("ndcg@10", 0.4125);
        float[] emb = new float[4 * 3];
        for (int i = 0; i < emb.length; i++) {
            emb[i] = i * 0.5f - 1;
        }
        try (Scope s = Scope.open()) {
            Map<String, Tensor> params = new LinkedHashMap<>();
            params.put("item_embedding.weight", Tensor.of(cpu, emb, 4, 3));
            params.put("mamba_layers.0.mamba.in_proj.weight", Tensor.of(cpu, new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
            params.put("mamba_layers.0.mamba.D", Tensor.of(cpu, new float[] {0.25f}, 1));
            Map<String, Tensor> state = new LinkedHashMap<>();
            state.put("adam.m.item_embedding.weight", Tensor.full(cpu, 0.125f, 4, 3));
            state.put("step", i64(1234));
            state.put("epoch", Tensor.ofInts(cpu, new int[] {3}));
            Checkpoint.save(dir, config, params, ITEMS, state, metrics);
        }
        assertEquals(List.of("config.json", "items.txt", "metrics.json", "model.safetensors", "train_state.safetensors"),
                AtomicFilesTest.names(dir));
        assertEquals(List.of("ckpt"), AtomicFilesTest.names(tmp), "no temporaries beside the checkpoint");
        assertEquals("[PAD]\nitem_17\nB00X4WHP5E\nü-ñ 日本\n",
                Files.readString(dir.resolve("items.txt"), StandardCharsets.UTF_8));
        String configText = Files.readString(dir.resolve("config.json"));
        assertTrue(configText.contains("\n  \"d_model\": 64,\n"), "pretty printed: " + configText);
        assertTrue(configText.endsWith("}\n"));

        Checkpoint c = Checkpoint.load(dir);
        assertEquals(dir, c.dir());
        assertEquals(config, c.config());
        assertEquals(64, c.config().get("d_model").intValue());
        assertEquals(ITEMS, c.itemTokens());
        assertEquals(4, c.itemCount());
        assertEquals(List.of("item_embedding.weight", "mamba_layers.0.mamba.in_proj.weight", "mamba_layers.0.mamba.D"),
                c.params().names());
        assertEquals(Map.of("format", "pt"), c.params().metadata());
        assertArrayEquals(emb, c.params().floats("item_embedding.weight"));
        assertArrayEquals(new int[] {2, 3}, c.params().shape("mamba_layers.0.mamba.in_proj.weight"));
        assertTrue(c.trainState().isPresent());
        assertArrayEquals(new long[] {1234}, c.trainState().get().longs("step"));
        assertArrayEquals(new int[] {3}, c.trainState().get().ints("epoch"));
        assertEquals(0.125f, c.trainState().get().floats("adam.m.item_embedding.weight")[11]);
        assertEquals(metrics, c.metrics().orElseThrow());

        try (Scope s = Scope.open()) {
            Map<String, Tensor> model = new LinkedHashMap<>();
            model.put("item_embedding.weight", Tensor.zeros(cpu, 4, 3));
            model.put("mamba_layers.0.mamba.in_proj.weight", Tensor.zeros(cpu, 2, 3));
            model.put("mamba_layers.0.mamba.D", Tensor.zeros(cpu, 1));
            c.params().fill(model);
            assertArrayEquals(emb, model.get("item_embedding.weight").toFloatArray());
            assertArrayEquals(new float[] {0.25f}, model.get("mamba_layers.0.mamba.D").toFloatArray());
        }
    }

    @Test
    void optionalPartsAreAbsentAndASecondSaveReplacesTheWholeDirectory() throws IOException {
        Path dir = tmp.resolve("ckpt");
        try (Scope s = Scope.open()) {
            Checkpoint.save(dir, config(), Map.of("w", Tensor.of(cpu, new float[] {1}, 1)), ITEMS,
                    Map.of("step", i64(1)), Json.MAPPER.createObjectNode().put("loss", 1.0));
            Checkpoint.save(dir, config(), Map.of("w", Tensor.of(cpu, new float[] {2}, 1)), List.of("[PAD]", "a"),
                    null, null);
        }
        Checkpoint c = Checkpoint.load(dir);
        assertFalse(c.trainState().isPresent(), "the old train state went with the old directory");
        assertFalse(c.metrics().isPresent());
        assertArrayEquals(new float[] {2}, c.params().floats("w"));
        assertEquals(List.of("[PAD]", "a"), c.itemTokens());
        assertEquals(List.of("ckpt"), AtomicFilesTest.names(tmp));
    }

    @Test
    void missingModelFileIsAOneLineErrorNamingPathAndFile() throws IOException {
        Path dir = saveSmall("ckpt");
        Files.delete(dir.resolve("model.safetensors"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(dir));
        assertEquals("checkpoint " + dir + ": model.safetensors is missing", e.getMessage());
    }

    @Test
    void missingOrBrokenPiecesNameTheFile() throws IOException {
        Path absent = tmp.resolve("nope");
        assertOneLine(assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(absent)),
                absent.toString(), "does not exist");

        Path dir = saveSmall("a");
        Files.writeString(dir.resolve("config.json"), "{\"d_model\": 64,,}");
        assertOneLine(assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(dir)),
                dir.toString(), "config.json is broken", "not valid JSON", "line 1");
        Files.writeString(dir.resolve("config.json"), "[1]");
        assertOneLine(assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(dir)),
                "config.json is broken", "not a JSON object");
        Files.delete(dir.resolve("config.json"));
        assertOneLine(assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(dir)),
                "config.json is missing");

        Path truncated = saveSmall("b");
        byte[] model = Files.readAllBytes(truncated.resolve("model.safetensors"));
        Files.write(truncated.resolve("model.safetensors"), Arrays.copyOf(model, model.length - 2));
        assertOneLine(assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(truncated)),
                truncated.resolve("model.safetensors").toString(), "[0, 8] out of range of the 6-byte data area");

        Path items = saveSmall("c");
        Files.writeString(items.resolve("items.txt"), "a\n[PAD]\n");
        assertOneLine(assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(items)),
                "items.txt is broken", "line 1 is 'a'", "[PAD]");
        Files.writeString(items.resolve("items.txt"), "[PAD]\nx\n\ny\n");
        assertOneLine(assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(items)),
                "items.txt is broken", "line 3 is empty");
        Files.writeString(items.resolve("items.txt"), "[PAD]\nx\ny\nx");
        assertOneLine(assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(items)),
                "token 'x' on lines 2 and 4");
        Files.write(items.resolve("items.txt"), new byte[] {'[', 'P', 'A', 'D', ']', '\n', (byte) 0xff, '\n'});
        assertOneLine(assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(items)),
                "items.txt is broken", "UTF-8");
        Files.writeString(items.resolve("items.txt"), "[PAD]\r\nx\r\n");
        assertEquals(List.of("[PAD]", "x"), Checkpoint.load(items).itemTokens(), "CRLF line ends are read");
        Files.delete(items.resolve("items.txt"));
        assertOneLine(assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(items)),
                "items.txt is missing");

        Path metrics = saveSmall("d");
        Files.writeString(metrics.resolve("metrics.json"), "{");
        assertOneLine(assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(metrics)),
                "metrics.json is broken");
    }

    @Test
    void saveValidatesBeforeWritingAnything() {
        Path dir = tmp.resolve("ckpt");
        try (Scope s = Scope.open()) {
            Map<String, Tensor> params = Map.of("w", Tensor.of(cpu, new float[] {1}, 1));
            assertOneLine(assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.save(dir, config(), params, List.of("a", "b"), null, null)), "[PAD]", "'a'");
            assertOneLine(assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.save(dir, config(), params, List.of("[PAD]", "a", "a"), null, null)),
                    "'a'", "ids 1 and 2");
            assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.save(dir, config(), params, List.of("[PAD]", "a\nb"), null, null));
            assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.save(dir, config(), params, List.of("[PAD]", ""), null, null));
            assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.save(dir, Json.MAPPER.createArrayNode(), params, ITEMS, null, null));
        }
        assertFalse(Files.exists(dir));
    }

    @Test
    void loadIgnoresLeftoversOfAKilledSaveAndTheNextSaveRemovesThem() throws IOException {
        Path dir = saveSmall("ckpt");
        Path leftover = tmp.resolve(".ckpt.tmp-00000000beef");
        Files.createDirectories(leftover);
        Files.writeString(leftover.resolve("model.safetensors"), "garbage");
        assertArrayEquals(new float[] {1, 2}, Checkpoint.load(dir).params().floats("w"));
        saveSmall("ckpt");
        assertEquals(List.of("ckpt"), AtomicFilesTest.names(tmp));
    }

    // ---------------------------------------------------------------- helpers

    private Path saveSmall(String name) throws IOException {
        Path dir = tmp.resolve(name);
        try (Scope s = Scope.open()) {
            Checkpoint.save(dir, config(), Map.of("w", Tensor.of(cpu, new float[] {1, 2}, 2)), ITEMS, null,
                    Json.MAPPER.createObjectNode().put("hr@10", 0.5));
        }
        return dir;
    }

    private static ObjectNode config() {
        ObjectNode config = Json.MAPPER.createObjectNode();
        config.put("model", "Mamba4Rec");
        config.put("d_model", 64);
        config.put("dropout", 0.2);
        config.putArray("layers").add("mamba").add("ffn");
        config.putObject("data").put("max_len", 200).put("name", "ml-1m");
        return config;
    }

    private Tensor i64(long value) {
        Tensor t = Tensor.empty(cpu, DType.I64, new int[0]);
        cpu.copyFromHost(MemorySegment.ofArray(new long[] {value}), t);
        return t;
    }

    private static void assertOneLine(Throwable e, String... fragments) {
        String message = e.getMessage();
        assertFalse(message.contains("\n"), "one line: " + message);
        for (String f : fragments) {
            assertTrue(message.contains(f), "message lacks '" + f + "': " + message);
        }
    }
}
