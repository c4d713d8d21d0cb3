package org.echorec.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.echorec.model.io.SafeTensors.Dtype;
import org.echorec.model.io.SafeTensors.Entry;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.backend.cpu.CpuBackend;
import org.echorec.runtime.tensor.DType;
import org.echorec.runtime.tensor.Scope;
import org.echorec.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    private final Backend cpu = CpuBackend.get();

    @TempDir
    Path tmp;

    @Test
    void everyDtypeRoundTripsBitExactIncludingScalarsAndEmptyShapes() throws IOException {
        float[] f32 = {0f, -0f, 1.5f, Float.NaN, Float.intBitsToFloat(0x7fc12345), Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.MIN_VALUE, Float.MAX_VALUE, -3.25e-20f, 7f, 8f};
        double[] f64 = {Math.PI, -0d, Double.MIN_VALUE, Double.longBitsToDouble(0x7ff8000000000abcL)};
        int[] i32 = {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x01020304, 5};
        long[] i64 = {Long.MIN_VALUE, Long.MAX_VALUE, -1, 1L << 40};
        List<Entry> written = List.of(
                Entry.f32("f32", f32, 3, 4),
                Entry.f64("f64", f64, 2, 1, 2),
                Entry.i32("i32", i32, 6),
                Entry.i64("i64", i64, 2, 2),
                Entry.f32("scalar.f32", new float[] {-2.5f}),
                Entry.i64("scalar.i64", new long[] {42}),
                Entry.f64("scalar.f64", new double[] {1e300}),
                Entry.i32("scalar.i32", new int[] {-7}),
                Entry.f32("empty.f32", new float[0], 0),
                Entry.i32("empty.i32", new int[0], 3, 0),
                Entry.f64("empty.f64", new double[0], 0, 5),
                Entry.i64("empty.i64", new long[0], 0));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("note", "ünïcode \"quoted\" \\ and\nnewline");
        Path file = tmp.resolve("all.safetensors");
        SafeTensors.write(file, written, metadata);

        SafeTensors read = SafeTensors.read(file);
        assertEquals(written.stream().map(Entry::name).toList(), read.names(), "file order = written order");
        assertEquals(metadata, read.metadata());
        for (Entry w : written) {
            Entry r = read.entry(w.name());
            assertEquals(w.dtype(), r.dtype(), w.name());
            assertArrayEquals(w.shape(), r.shape(), w.name());
            assertEquals(w.numel(), r.numel(), w.name());
        }
        assertArrayEquals(rawBits(f32), rawBits(read.entry("f32").floatData()), "NaN payloads and -0 survive");
        assertArrayEquals(Arrays.stream(f64).mapToLong(Double::doubleToRawLongBits).toArray(),
                Arrays.stream(read.entry("f64").doubleData()).mapToLong(Double::doubleToRawLongBits).toArray());
        assertArrayEquals(i32, read.ints("i32"));
        assertArrayEquals(i64, read.longs("i64"));
        assertArrayEquals(new int[0], read.shape("scalar.f32"));
        assertArrayEquals(new float[] {-2.5f}, read.floats("scalar.f32"));
        assertArrayEquals(new long[] {42}, read.longs("scalar.i64"));
        assertArrayEquals(new int[] {42}, read.ints("scalar.i64"));
        assertArrayEquals(new double[] {1e300}, read.doubles("scalar.f64"));
        assertArrayEquals(new int[] {-7}, read.ints("scalar.i32"));
        assertArrayEquals(new int[] {3, 0}, read.shape("empty.i32"));
        assertEquals(0, read.floats("empty.f32").length);
        assertEquals(0, read.entry("empty.f64").doubleData().length);
        assertEquals(0, read.longs("empty.i64").length);
        // the file is 8 + header + exactly the data, nothing more
        long dataBytes = written.stream().mapToLong(Entry::byteSize).sum();
        long headerLength = headerLength(Files.readAllBytes(file));
        assertEquals(8 + headerLength + dataBytes, Files.size(file));
    }

    @Test
    void exactByteLayoutOfASmallFile() throws IOException {
        Path file = tmp.resolve("small.safetensors");
        SafeTensors.write(file, List.of(
                Entry.f32("w", new float[] {1.0f, -2.0f}, 2),
                Entry.i32("i", new int[] {0x01020304}, 1)), Map.of("format", "pt"));
        byte[] bytes = Files.readAllBytes(file);

        // 139 bytes of JSON, padded with 5 spaces to 144 = 0x90 so the data starts at 152 = 19 * 8
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"i\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertEquals(139, json.length());
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(new byte[] {(byte) 0x90, 0, 0, 0, 0, 0, 0, 0});
        expected.write((json + "     ").getBytes(StandardCharsets.US_ASCII));
        expected.write(new byte[] {0, 0, (byte) 0x80, 0x3f}); // 1.0f = 0x3f800000, little-endian
        expected.write(new byte[] {0, 0, 0, (byte) 0xc0}); // -2.0f = 0xc0000000
        expected.write(new byte[] {4, 3, 2, 1}); // 0x01020304
        assertEquals(164, expected.size());
        assertArrayEquals(expected.toByteArray(), bytes);

        // the stream writer produces the same bytes as the file writer
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        SafeTensors.write(streamed, List.of(
                Entry.f32("w", new float[] {1.0f, -2.0f}, 2),
                Entry.i32("i", new int[] {0x01020304}, 1)), Map.of("format", "pt"));
        assertArrayEquals(bytes, streamed.toByteArray());
    }

    @Test
    void noMetadataKeyWhenMetadataIsEmpty() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafeTensors.write(out, List.of(Entry.f32("x", new float[] {1}, 1)), Map.of());
        String header = header(out.toByteArray());
        assertEquals("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", header.stripTrailing());
        assertTrue(SafeTensors.parse("mem", out.toByteArray()).metadata().isEmpty());
    }

    @Test
    void dataStartsEightByteAlignedWhateverTheNameLength() throws IOException {
        for (int len = 1; len <= 17; len++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SafeTensors.write(out, List.of(Entry.f64("n".repeat(len), new double[] {len}, 1)), Map.of());
            byte[] bytes = out.toByteArray();
            long n = headerLength(bytes);
            assertEquals(0, n % 8, "header length for a name of " + len);
            assertEquals(0, (8 + n) % 8);
            assertEquals('}', header(bytes).stripTrailing().charAt(header(bytes).stripTrailing().length() - 1));
            assertArrayEquals(new double[] {len}, SafeTensors.parse("mem", bytes).doubles("n".repeat(len)));
        }
    }

    @Test
    void largeTableRoundTrips() throws IOException {
        int rows = 12_000;
        int cols = 64;
        float[] table = new float[rows * cols];
        Random random = new Random(7);
        for (int i = 0; i < table.length; i++) {
            table[i] = (float) random.nextGaussian();
        }
        int[] ids = new int[rows];
        Arrays.setAll(ids, i -> i * 3 - 5);
        Path file = tmp.resolve("big.safetensors");
        // an odd-sized I32 first puts the float table at an offset that is not a multiple of 8
        SafeTensors.write(file, List.of(Entry.i32("ids.odd", new int[] {1, 2, 3}, 3),
                Entry.f32("item_embedding.weight", table, rows, cols), Entry.i32("ids", ids, rows)), Map.of());
        SafeTensors read = SafeTensors.read(file);
        assertArrayEquals(table, read.floats("item_embedding.weight"));
        assertArrayEquals(ids, read.ints("ids"));
        assertArrayEquals(new int[] {rows, cols}, read.shape("item_embedding.weight"));
    }

    @Test
    void accessorsConvertOrRefuseWithTheName() {
        SafeTensors st = SafeTensors.of("mem", List.of(
                Entry.f64("d", new double[] {0.1, 2}, 2),
                Entry.f32("f", new float[] {3}, 1),
                Entry.i64("small", new long[] {-3, Integer.MAX_VALUE, Integer.MIN_VALUE}, 3),
                Entry.i64("big", new long[] {1, 1L << 31}, 2),
                Entry.i32("i", new int[] {9}, 1)), Map.of());
        assertArrayEquals(new float[] {0.1f, 2f}, st.floats("d"));
        assertArrayEquals(new double[] {3}, st.doubles("f"));
        assertArrayEquals(new int[] {-3, Integer.MAX_VALUE, Integer.MIN_VALUE}, st.ints("small"));
        assertArrayEquals(new long[] {9}, st.longs("i"));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> st.ints("big")), "'big'", "2147483648",
                "index 1");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> st.floats("i")), "'i'", "I32");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> st.floats("small")), "I64");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> st.ints("f")), "'f'", "F32");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> st.shape("nope")), "mem", "'nope'");
        assertFalse(st.contains("nope"));
        // floats() hands out a copy: the entry is not changed through it
        st.floats("f")[0] = 100;
        assertArrayEquals(new float[] {3}, st.floats("f"));
    }

    @Test
    void writerRejectsInconsistentEntries() {
        assertThrows(IllegalArgumentException.class, () -> Entry.f32("x", new float[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> Entry.f32("x", new float[0], -1));
        assertThrows(IllegalArgumentException.class, () -> Entry.f32("__metadata__", new float[1], 1));
        assertThrows(IllegalArgumentException.class, () -> Entry.f32("", new float[1], 1));
        List<Entry> twice = List.of(Entry.f32("x", new float[1], 1), Entry.i32("x", new int[1], 1));
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(tmp.resolve("dup.safetensors"), twice, Map.of())), "duplicate", "'x'");
        assertFalse(Files.exists(tmp.resolve("dup.safetensors")));
    }

    // ---------------------------------------------------------------- malformed files

    @Test
    void shortFile() throws IOException {
        expectBad(new byte[] {1, 0, 0}, "3 bytes", "too short");
        expectBad(new byte[0], "0 bytes", "too short");
    }

    @Test
    void headerLengthPastTheEnd() throws IOException {
        byte[] bytes = new byte[8 + 10];
        MemorySegment.ofArray(bytes).set(LE_LONG, 0, 11);
        expectBad(bytes, "header length 11", "past the end");
        MemorySegment.ofArray(bytes).set(LE_LONG, 0, -1);
        expectBad(bytes, "18446744073709551615", "limit");
        MemorySegment.ofArray(bytes).set(LE_LONG, 0, 200_000_000);
        expectBad(bytes, "200000000", "limit");
    }

    @Test
    void badJson() throws IOException {
        expectBad(file("{\"x\": {\"dtype\": \"F32\", ", 0), "not valid JSON");
        expectBad(file("{\"x\": {\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} trailing", 4), "not valid JSON");
        expectBad(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "not valid JSON", "'x'");
        expectBad(file("[1, 2]", 0), "does not start with '{'");
        expectBad(file("", 0), "does not start with '{'");
        expectBad(file("{\"caf\u00e9\":1}".getBytes(StandardCharsets.ISO_8859_1), 0), "not valid UTF-8", "byte 5");
        expectBad(file("{\"x\": 3}", 0), "tensor 'x' is not a JSON object");
        expectBad(file("{\"__metadata__\": {\"a\": 1}}", 0), "__metadata__", "'a'", "not a string");
        expectBad(file("{\"__metadata__\": [\"a\"]}", 0), "__metadata__ is not a JSON object");
    }

    @Test
    void offsetsOutOfRangeOrOverlappingOrWithGaps() throws IOException {
        expectBad(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4),
                "'x'", "[0, 8]", "out of range", "4-byte data area");
        expectBad(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}}", 4), "[4, 0]", "out of range");
        expectBad(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "'y'", "overlap", "'x'");
        expectBad(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "gap of 4 bytes", "'x'");
        expectBad(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 12),
                "12 bytes", "cover 4");
        expectBad(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4), "data_offsets", "[begin, end]");
        expectBad(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4.5]}}", 4), "data_offsets");
        expectBad(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4), "data_offsets");
        // offsets out of written order are fine if they tile the data: read in file order
        SafeTensors ok = SafeTensors.parse("mem", file("{\"b\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"z\":{\"dtype\":\"I32\",\"shape\":[0],\"data_offsets\":[4,4]}}", 8));
        assertEquals(List.of("a", "z", "b"), ok.names());
    }

    @Test
    void unknownDtype() throws IOException {
        expectBad(file("{\"x\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,2]}}", 2),
                "'x'", "dtype 'BF16'", "F32, F64, I32, I64");
        expectBad(file("{\"x\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "dtype 'f32'");
        expectBad(file("{\"x\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "'x'", "no string \"dtype\"");
    }

    @Test
    void shapeAndByteCountMismatch() throws IOException {
        expectBad(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", 12),
                "'x'", "[2, 2]", "needs 16 bytes", "hold 12");
        expectBad(file("{\"x\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,4]}}", 4), "needs 8 bytes");
        expectBad(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "shape [-1]");
        expectBad(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4), "shape");
        expectBad(file("{\"x\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "no \"shape\"");
    }

    @Test
    void missingFile() {
        Path missing = tmp.resolve("absent.safetensors");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(missing)),
                missing.toString(), "no such file");
    }

    // ---------------------------------------------------------------- runtime tensors

    @Test
    void runtimeTensorsToFileAndBackIntoExistingTensors() throws IOException {
        Path file = tmp.resolve("params.safetensors");
        try (Scope s = Scope.open()) {
            Map<String, Tensor> params = new LinkedHashMap<>();
            params.put("emb.weight", Tensor.of(cpu, new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
            params.put("ids", Tensor.ofInts(cpu, new int[] {7, 8}, 2));
            params.put("step", i64(new long[] {123456789012L}));
            // a transposed view is written row-major in its own shape
            params.put("t", Tensor.of(cpu, new float[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose(0, 1));
            SafeTensors.writeTensors(file, params, Map.of("format", "pt"));

            SafeTensors read = SafeTensors.read(file);
            assertEquals(List.of("emb.weight", "ids", "step", "t"), read.names());
            assertEquals(Dtype.I64, read.dtype("step"));
            assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, read.floats("t"));

            Map<String, Tensor> fresh = new LinkedHashMap<>();
            fresh.put("emb.weight", Tensor.zeros(cpu, 3, 2));
            fresh.put("ids", Tensor.ofInts(cpu, new int[2], 2));
            fresh.put("step", Tensor.empty(cpu, DType.I64, 1));
            fresh.put("t", Tensor.zeros(cpu, 3, 2));
            SafeTensors.readInto(file, fresh);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, fresh.get("emb.weight").toFloatArray());
            assertArrayEquals(new int[] {7, 8}, fresh.get("ids").toIntArray());
            assertArrayEquals(new long[] {123456789012L}, fresh.get("step").toLongArray());

            Tensor made = read.toTensor("emb.weight", cpu);
            assertArrayEquals(new int[] {3, 2}, made.shape());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, made.toFloatArray());
            assertArrayEquals(new long[] {123456789012L}, read.toTensor("step", cpu).toLongArray());
        }
    }

    @Test
    void fillRefusesAShapeMismatchInOneLineAndWritesNothing() throws IOException {
        Path file = tmp.resolve("p.safetensors");
        SafeTensors.write(file, List.of(Entry.f32("a", new float[] {1, 2}, 2),
                Entry.f32("mamba_layers.0.mamba.in_proj.weight", new float[6], 2, 3)), Map.of());
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.zeros(cpu, 2);
            Map<String, Tensor> wrongShape = new LinkedHashMap<>();
            wrongShape.put("a", a);
            wrongShape.put("mamba_layers.0.mamba.in_proj.weight", Tensor.zeros(cpu, 3, 2));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SafeTensors.readInto(file, wrongShape));
            assertMessage(e, file.toString(), "'mamba_layers.0.mamba.in_proj.weight'", "expected shape [3, 2]",
                    "found [2, 3]");
            assertArrayEquals(new float[] {0, 0}, a.toFloatArray(), "checked before anything is written");

            Map<String, Tensor> missing = Map.of("a", a, "b", Tensor.zeros(cpu, 1));
            assertMessage(assertThrows(IllegalArgumentException.class, () -> SafeTensors.readInto(file, missing)),
                    "missing [b]", "unexpected [mamba_layers.0.mamba.in_proj.weight]");

            Map<String, Tensor> wrongType = new LinkedHashMap<>();
            wrongType.put("a", Tensor.ofInts(cpu, new int[2], 2));
            wrongType.put("mamba_layers.0.mamba.in_proj.weight", Tensor.zeros(cpu, 2, 3));
            assertMessage(assertThrows(IllegalArgumentException.class, () -> SafeTensors.readInto(file, wrongType)),
                    "'a'", "F32", "I32");
        }
    }

    // ---------------------------------------------------------------- interop with the Python reader

    /**
     * Run by hand only (needs {@code -Dechorec.interop.dir=DIR}): writes {@code DIR/java.safetensors} for
     * {@code bench/pytorch/safetensors_io.py fixture DIR} to check, and checks {@code DIR/python.safetensors}
     * if that script has written it. Same fixture values on both sides.
     */
    @Test
    @EnabledIfSystemProperty(named = "echorec.interop.dir", matches = ".+")
    void interopFixtureWhenAsked() throws IOException {
        Path dir = Path.of(System.getProperty("echorec.interop.dir"));
        float[] emb = new float[12];
        for (int i = 0; i < emb.length; i++) {
            emb[i] = i * 0.25f - 1;
        }
        List<Entry> fixture = List.of(
                Entry.f32("emb.weight", emb, 3, 4),
                Entry.f64("f64", new double[] {Math.PI, -1e300}, 2),
                Entry.i32("ids", new int[] {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 7}, 5),
                Entry.i64("step", new long[] {(1L << 40) + 3}),
                Entry.f32("empty", new float[0], 0, 2));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("note", "\u00fcn\u00ef \"q\"");
        SafeTensors.write(dir.resolve("java.safetensors"), fixture, metadata);
        Path python = dir.resolve("python.safetensors");
        if (Files.exists(python)) {
            SafeTensors read = SafeTensors.read(python);
            assertEquals(fixture.stream().map(Entry::name).toList(), read.names());
            assertEquals(metadata, read.metadata());
            for (Entry e : fixture) {
                assertEquals(e.dtype(), read.dtype(e.name()));
                assertArrayEquals(e.shape(), read.shape(e.name()));
            }
            assertArrayEquals(emb, read.floats("emb.weight"));
            assertArrayEquals(new double[] {Math.PI, -1e300}, read.doubles("f64"));
            assertArrayEquals(new int[] {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 7}, read.ints("ids"));
            assertArrayEquals(new long[] {(1L << 40) + 3}, read.longs("step"));
            // byte for byte what this writer produces from the same entries
            ByteArrayOutputStream ours = new ByteArrayOutputStream();
            SafeTensors.write(ours, fixture, metadata);
            assertArrayEquals(ours.toByteArray(), Files.readAllBytes(python));
            System.out.println("interop: read " + python + " as expected");
        }
    }

    // ---------------------------------------------------------------- helpers

    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Tensor i64(long[] values) {
        Tensor t = Tensor.empty(cpu, DType.I64, values.length);
        cpu.copyFromHost(MemorySegment.ofArray(values), t);
        return t;
    }

    /** A file with this header JSON (padded as the writer pads) and {@code dataBytes} zero bytes of data. */
    private static byte[] file(String json, int dataBytes) {
        return file(json.getBytes(StandardCharsets.UTF_8), dataBytes);
    }

    private static byte[] file(byte[] header, int dataBytes) {
        int padded = (header.length + 7) & ~7;
        byte[] out = new byte[8 + padded + dataBytes];
        MemorySegment.ofArray(out).set(LE_LONG, 0, padded);
        System.arraycopy(header, 0, out, 8, header.length);
        Arrays.fill(out, 8 + header.length, 8 + padded, (byte) ' ');
        return out;
    }

    private void expectBad(byte[] bytes, String... fragments) throws IOException {
        Path file = Files.createTempFile(tmp, "bad", ".safetensors");
        Files.write(file, bytes);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(file));
        List<String> all = new ArrayList<>(List.of(fragments));
        all.add(file.toString());
        assertMessage(e, all.toArray(String[]::new));
    }

    private static void assertMessage(Throwable e, String... fragments) {
        String message = e.getMessage();
        assertFalse(message.contains("\n"), "one line: " + message);
        for (String f : fragments) {
            assertTrue(message.contains(f), "message lacks '" + f + "': " + message);
        }
    }

    private static long headerLength(byte[] file) {
        return MemorySegment.ofArray(file).get(LE_LONG, 0);
    }

    private static String header(byte[] file) {
        return new String(file, 8, (int) headerLength(file), StandardCharsets.UTF_8);
    }

    private static int[] rawBits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
