package org.echorec.model.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train → evaluate → recommend through {@link Main}, on a small generated dataset. */
class CommandLineTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
        JsonNode json() throws IOException {
            String[] lines = out.strip().split("\n");
            return new ObjectMapper().readTree(lines[lines.length - 1]);
        }
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** 200 users walking a ring of 30 items (the next item is the successor), with some noise. */
    private Path data() throws IOException {
        Path file = dir.resolve("ring.txt");
        SplittableRandom r = new SplittableRandom(1);
        StringBuilder b = new StringBuilder();
        for (int u = 0; u < 200; u++) {
            int item = r.nextInt(30);
            int len = 6 + r.nextInt(8);
            for (int t = 0; t < len; t++) {
                b.append("user").append(u).append(' ').append("item").append(item).append(' ').append(1000 + t)
                        .append('\n');
                item = r.nextDouble() < 0.9 ? (item + 1) % 30 : r.nextInt(30);
            }
        }
        Files.writeString(file, b);
        return file;
    }

    @Test
    void trainEvaluateRecommendAndResume() throws IOException {
        Path data = data();
        Path model = dir.resolve("model");
        Run train = run("train", "--model", "mamba4rec", "--data", data.toString(), "--out", model.toString(),
                "--hidden", "16", "--d-state", "8", "--max-len", "10", "--epochs", "4", "--batch", "64",
                "--lr", "0.01", "--seed", "3", "--json", "--quiet");
        assertEquals(0, train.code(), train.err());
        JsonNode summary = train.json();
        assertEquals("mamba4rec", summary.get("model").asText());
        assertEquals(4, summary.get("epochs").asInt());
        // the ring is easy: far above the 10/30 a random ranking gets
        assertTrue(summary.get("test").get("hr@10").asDouble() > 0.6, summary.toString());
        for (String f : new String[] {"model.safetensors", "config.json", "items.txt", "metrics.json"}) {
            assertTrue(Files.exists(model.resolve(f)), f);
        }

        Run evaluate = run("evaluate", "--model-dir", model.toString(), "--data", data.toString(), "--json");
        assertEquals(0, evaluate.code(), evaluate.err());
        assertEquals(summary.get("test").get("ndcg@10").asDouble(),
                evaluate.json().get("test").get("ndcg@10").asDouble(), 1e-6, "evaluate reproduces train's test metrics");

        Run recommend = run("recommend", "--model-dir", model.toString(), "--history", "item3,item4,item5",
                "--k", "3", "--json");
        assertEquals(0, recommend.code(), recommend.err());
        JsonNode items = recommend.json().get("items");
        assertEquals(3, items.size());
        assertEquals("item6", items.get(0).get("item").asText(), "the ring's next item comes first");

        Run unknown = run("recommend", "--model-dir", model.toString(), "--history", "item3,nope");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown item 'nope'"), unknown.err());
        assertEquals(1, unknown.err().strip().lines().count());
    }

    @Test
    void trainingIsDeterministicFromTheSeedAndResumes() throws IOException {
        Path data = data();
        String[] common = {"--model", "sasrec", "--data", data.toString(), "--hidden", "16", "--max-len", "8",
            "--batch", "128", "--seed", "11", "--json", "--quiet"};
        Run a = run(concat(new String[] {"train", "--out", dir.resolve("a").toString(), "--epochs", "2"}, common));
        Run b = run(concat(new String[] {"train", "--out", dir.resolve("b").toString(), "--epochs", "1"}, common));
        assertEquals(0, b.code(), b.err());
        Run resumed = run(concat(new String[] {"train", "--out", dir.resolve("b").toString(), "--epochs", "2",
            "--resume"}, common));
        assertEquals(0, a.code(), a.err());
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(a.json().get("test").toString(), resumed.json().get("test").toString(),
                "one epoch, then a resumed second, equals two epochs in one go");
    }

    @Test
    void badInputIsOneLineNamingFileAndLine() throws IOException {
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "u1 i1 100\nu1 i2 yesterday\n");
        Run r = run("train", "--model", "mamba4rec", "--data", bad.toString(), "--out", dir.resolve("x").toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("bad.txt") && r.err().contains("line 2"), r.err());
        assertFalse(Files.exists(dir.resolve("x")));

        Run missing = run("evaluate", "--model-dir", dir.resolve("nothing").toString(), "--data", bad.toString());
        assertEquals(2, missing.code());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());

        Run unknownModel = run("train", "--model", "gru4rec", "--data", bad.toString(), "--out", "y");
        assertEquals(2, unknownModel.code());
    }

    @Test
    void deviceCudaWithoutAGpuIsOneLineSayingWhy() throws IOException {
        String reason = org.echorec.runtime.backend.cuda.CudaBackend.unavailableReason();
        org.junit.jupiter.api.Assumptions.assumeTrue(reason != null, "this machine has a GPU: --device cuda works here");
        Run r = run("train", "--model", "mamba4rec", "--data", data().toString(), "--out", dir.resolve("gpu").toString(),
                "--device", "cuda");
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("echorec: --device cuda: CUDA is not available: "), r.err());
        assertTrue(r.err().contains(reason), r.err());
        assertFalse(Files.exists(dir.resolve("gpu")));
    }

    @Test
    void helpAfterASubcommandPrintsTheUsage() {
        for (String[] args : new String[][] {{"train", "--help"}, {"recommend", "-h"}, {"--help"}}) {
            Run r = run(args);
            assertEquals(0, r.code(), String.join(" ", args));
            assertTrue(r.out().startsWith("usage: bin/echorec"), r.out());
            assertTrue(r.err().isEmpty(), r.err());
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
