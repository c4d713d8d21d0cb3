package org.echorec.model.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.echorec.runtime.backend.Backend;
import org.echorec.runtime.tensor.DType;
import org.echorec.runtime.tensor.Tensor;

/**
 * The safetensors format, as the Python {@code safetensors} library writes and reads it, for the
 * element types F32, F64, I32 and I64. An instance is the content of one file: its entries in file
 * order (by data offset) and its {@code __metadata__}.
 *
 * <p>Note: the layout. An 8-byte little-endian unsigned length {@code N}; {@code N} bytes of UTF-8 JSON
 * <pre>{@code {"__metadata__":{"k":"v"},"name":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},...}}</pre>
 * padded with spaces so that the data starts at a multiple of 8; then the tensors' bytes, little-endian,
 * row-major, packed one after another in the order written. Offsets are relative to the first data
 * byte. The reader makes the checks the Python library makes: the header is UTF-8 JSON starting with
 * {@code '{'} with unique keys and nothing after it but the padding; the tensors tile the data area
 * from 0 to its end without gaps or overlaps (zero-size tensors take no bytes); each tensor's byte
 * count is its element count times the element size. Files with other element types (BF16, U8, ...)
 * are refused with a message naming the type.
 *
 * <p>Plain arrays throughout, so files are written and read without a backend; {@link #writeTensors}
 * and {@link #fill} go to and from runtime tensors.
 */
public final class SafeTensors {
    /** Largest header the Python library accepts (its {@code MAX_HEADER_SIZE}). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final String METADATA_KEY = "__metadata__";
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int CHUNK_BYTES = 1 << 20;

    /** Element types of this implementation, named as in the file. */
    public enum Dtype {
        F32(4),
        F64(8),
        I32(4),
        I64(8);

        private final int bytes;

        Dtype(int bytes) {
            this.bytes = bytes;
        }

        public int bytes() {
            return bytes;
        }

        boolean isFloat() {
            return this == F32 || this == F64;
        }

        private ValueLayout layout() {
            return switch (this) {
                case F32 -> F32_LE;
                case F64 -> F64_LE;
                case I32 -> I32_LE;
                case I64 -> I64_LE;
            };
        }
    }

    /**
     * One named array. The entry keeps the array it is given (no copy): do not modify it afterwards.
     * A shape of {@code []} is a scalar (one element); a shape with a 0 has no elements.
     */
    public static final class Entry {
        private final String name;
        private final Dtype dtype;
        private final int[] shape;
        private final Object data;
        private final int numel;

        private Entry(String name, Dtype dtype, int[] shape, Object data, int length) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty() || name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("invalid tensor name '" + name + "'");
            }
            this.name = name;
            this.dtype = dtype;
            this.shape = shape.clone();
            this.numel = SafeTensors.numel(this.shape, "tensor '" + name + "'");
            if (length != numel) {
                throw new IllegalArgumentException("tensor '" + name + "': " + length + " values for shape "
                        + Arrays.toString(shape) + " (" + numel + " elements)");
            }
            this.data = data;
        }

        public static Entry f32(String name, float[] data, int... shape) {
            return new Entry(name, Dtype.F32, shape, data, data.length);
        }

        public static Entry f64(String name, double[] data, int... shape) {
            return new Entry(name, Dtype.F64, shape, data, data.length);
        }

        public static Entry i32(String name, int[] data, int... shape) {
            return new Entry(name, Dtype.I32, shape, data, data.length);
        }

        public static Entry i64(String name, long[] data, int... shape) {
            return new Entry(name, Dtype.I64, shape, data, data.length);
        }

        /** A copy of a runtime tensor's values (F32, I32 or I64; views are read row-major). */
        public static Entry of(String name, Tensor tensor) {
            return switch (tensor.dtype()) {
                case F32 -> f32(name, tensor.toFloatArray(), tensor.shape());
                case I32 -> i32(name, tensor.toIntArray(), tensor.shape());
                case I64 -> i64(name, tensor.toLongArray(), tensor.shape());
            };
        }

        public String name() {
            return name;
        }

        public Dtype dtype() {
            return dtype;
        }

        /** A copy of the shape. */
        public int[] shape() {
            return shape.clone();
        }

        public int numel() {
            return numel;
        }

        /** Bytes of data in the file. */
        public long byteSize() {
            return (long) numel * dtype.bytes();
        }

        /** The F32 array itself (no copy); an error for other types. */
        public float[] floatData() {
            requireType(Dtype.F32);
            return (float[]) data;
        }

        /** The F64 array itself (no copy); an error for other types. */
        public double[] doubleData() {
            requireType(Dtype.F64);
            return (double[]) data;
        }

        /** The I32 array itself (no copy); an error for other types. */
        public int[] intData() {
            requireType(Dtype.I32);
            return (int[]) data;
        }

        /** The I64 array itself (no copy); an error for other types. */
        public long[] longData() {
            requireType(Dtype.I64);
            return (long[]) data;
        }

        private void requireType(Dtype expected) {
            if (dtype != expected) {
                throw new IllegalStateException("tensor '" + name + "' is " + dtype + ", not " + expected);
            }
        }

        @Override
        public String toString() {
            return name + " " + dtype + Arrays.toString(shape);
        }
    }

    private final String source;
    private final List<Entry> entries;
    private final Map<String, Entry> byName;
    private final Map<String, String> metadata;

    private SafeTensors(String source, List<Entry> entries, Map<String, String> metadata) {
        this.source = source;
        this.entries = List.copyOf(entries);
        Map<String, Entry> index = new HashMap<>();
        for (Entry e : entries) {
            if (index.put(e.name(), e) != null) {
                throw new IllegalArgumentException("duplicate tensor name '" + e.name() + "'");
            }
        }
        this.byName = index;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Entries held in memory, as if read from a file; {@code source} names them in error messages. */
    public static SafeTensors of(String source, List<Entry> entries, Map<String, String> metadata) {
        return new SafeTensors(source, entries, metadata);
    }

    // ---------------------------------------------------------------- writing

    /** Writes {@code file} atomically (see {@link AtomicFiles#write}); {@code metadata} may be empty. */
    public static void write(Path file, List<Entry> entries, Map<String, String> metadata) throws IOException {
        byte[] header = header(entries, metadata);
        AtomicFiles.write(file, out -> writeBody(out, header, entries));
    }

    /** Writes the file's bytes to {@code out} (not closed). */
    public static void write(OutputStream out, List<Entry> entries, Map<String, String> metadata) throws IOException {
        writeBody(out, header(entries, metadata), entries);
    }

    /** Writes runtime tensors under the map's keys, in its iteration order. */
    public static void writeTensors(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        write(file, entriesOf(tensors), metadata);
    }

    /** Host copies of runtime tensors, named by the map's keys, in its iteration order. */
    public static List<Entry> entriesOf(Map<String, Tensor> tensors) {
        List<Entry> list = new ArrayList<>(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            list.add(Entry.of(e.getKey(), e.getValue()));
        }
        return list;
    }

    /** The length field and padded JSON header for these entries. */
    private static byte[] header(List<Entry> entries, Map<String, String> metadata) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                meta.put(Objects.requireNonNull(m.getKey(), "metadata key"),
                        Objects.requireNonNull(m.getValue(), () -> "metadata value of '" + m.getKey() + "'"));
            }
        }
        Set<String> seen = new HashSet<>();
        long offset = 0;
        for (Entry e : entries) {
            if (!seen.add(e.name())) {
                throw new IllegalArgumentException("duplicate tensor name '" + e.name() + "'");
            }
            ObjectNode t = root.putObject(e.name());
            t.put("dtype", e.dtype().name());
            ArrayNode shape = t.putArray("shape");
            for (int d : e.shape) {
                shape.add(d);
            }
            long end = offset + e.byteSize();
            t.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = Json.MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a safetensors header: " + Json.describe(e), e);
        }
        int padded = (json.length + 7) & ~7;
        byte[] out = new byte[8 + padded];
        MemorySegment.ofArray(out).set(I64_LE, 0, padded);
        System.arraycopy(json, 0, out, 8, json.length);
        Arrays.fill(out, 8 + json.length, out.length, (byte) ' ');
        return out;
    }

    private static void writeBody(OutputStream out, byte[] header, List<Entry> entries) throws IOException {
        out.write(header);
        long largest = 0;
        for (Entry e : entries) {
            largest = Math.max(largest, e.byteSize());
        }
        byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, largest)];
        MemorySegment chunkSegment = MemorySegment.ofArray(chunk);
        for (Entry e : entries) {
            int width = e.dtype().bytes();
            int perChunk = CHUNK_BYTES / width;
            for (int start = 0; start < e.numel; start += perChunk) {
                int count = Math.min(perChunk, e.numel - start);
                MemorySegment.copy(e.data, start, chunkSegment, e.dtype().layout(), 0, count);
                out.write(chunk, 0, count * width);
            }
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads a whole file. A malformed file is an {@link IllegalArgumentException} whose one-line message
     * names the file and what is wrong; so is a missing one.
     */
    public static SafeTensors read(Path file) throws IOException {
        String source = file.toString();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = channel.size();
            MemorySegment bytes = size == 0 ? MemorySegment.ofArray(new byte[0])
                    : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return parse(source, bytes);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(source + ": no such file");
        }
        // a directory, a permission problem, a failing disk: plain IOException
    }

    /** Parses the bytes of a safetensors file; {@code source} names it in error messages. */
    public static SafeTensors parse(String source, byte[] bytes) {
        return parse(source, MemorySegment.ofArray(bytes));
    }

    private record Slot(String name, Dtype dtype, int[] shape, int numel, long begin, long end, int order) {}

    private static SafeTensors parse(String source, MemorySegment file) {
        long size = file.byteSize();
        if (size < 8) {
            throw bad(source, "file is " + size + " bytes, too short for the 8-byte header length");
        }
        long n = file.get(I64_LE, 0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw bad(source, "header length " + Long.toUnsignedString(n) + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        if (n > size - 8) {
            throw bad(source, "header length " + n + " runs past the end of the file (" + (size - 8)
                    + " bytes follow the length field)");
        }
        byte[] headerBytes = file.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
        if (n == 0 || headerBytes[0] != '{') {
            throw bad(source, "header does not start with '{'");
        }
        ByteBuffer headerBuffer = ByteBuffer.wrap(headerBytes);
        String headerText;
        try {
            headerText = StandardCharsets.UTF_8.newDecoder().decode(headerBuffer).toString();
        } catch (CharacterCodingException e) {
            throw bad(source, "header is not valid UTF-8 (at byte " + headerBuffer.position() + " of the header)");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(headerText);
        } catch (JsonProcessingException e) {
            throw bad(source, "header is not valid JSON: " + Json.describe(e));
        }
        if (root == null || !root.isObject()) {
            throw bad(source, "header is not a JSON object");
        }
        long dataStart = 8 + n;
        long dataLength = size - dataStart;

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Slot> slots = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.equals(METADATA_KEY)) {
                readMetadata(source, value, metadata);
            } else {
                slots.add(slot(source, name, value, dataLength, slots.size()));
            }
        }

        // the Python library's check: sorted by offsets, each tensor starts where the previous ended
        List<Slot> sorted = new ArrayList<>(slots);
        sorted.sort(Comparator.comparingLong(Slot::begin).thenComparingLong(Slot::end).thenComparingInt(Slot::order));
        long expected = 0;
        String previous = null;
        for (Slot s : sorted) {
            if (s.begin() < expected) {
                throw bad(source, "tensor '" + s.name() + "' data_offsets " + range(s) + " overlap tensor '"
                        + previous + "' (which ends at " + expected + ")");
            }
            if (s.begin() > expected) {
                throw bad(source, "gap of " + (s.begin() - expected) + " bytes before tensor '" + s.name()
                        + "' at data_offsets " + range(s) + ": tensors must be packed contiguously");
            }
            expected = s.end();
            previous = s.name();
        }
        if (expected != dataLength) {
            throw bad(source, "the data area has " + dataLength + " bytes but the tensors cover " + expected
                    + " (truncated or trailing bytes)");
        }

        List<Entry> entries = new ArrayList<>(sorted.size());
        for (Slot s : sorted) {
            long at = dataStart + s.begin();
            Object data = switch (s.dtype()) {
                case F32 -> new float[s.numel()];
                case F64 -> new double[s.numel()];
                case I32 -> new int[s.numel()];
                case I64 -> new long[s.numel()];
            };
            MemorySegment.copy(file, s.dtype().layout(), at, data, 0, s.numel());
            entries.add(new Entry(s.name(), s.dtype(), s.shape(), data, s.numel()));
        }
        return new SafeTensors(source, entries, metadata);
    }

    private static void readMetadata(String source, JsonNode value, Map<String, String> out) {
        if (value.isNull()) {
            return;
        }
        if (!value.isObject()) {
            throw bad(source, METADATA_KEY + " is not a JSON object");
        }
        for (Map.Entry<String, JsonNode> m : value.properties()) {
            if (!m.getValue().isTextual()) {
                throw bad(source, METADATA_KEY + " value of '" + m.getKey() + "' is not a string");
            }
            out.put(m.getKey(), m.getValue().textValue());
        }
    }

    private static Slot slot(String source, String name, JsonNode info, long dataLength, int order) {
        String what = "tensor '" + name + "'";
        if (!info.isObject()) {
            throw bad(source, what + " is not a JSON object");
        }
        JsonNode dtypeNode = info.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw bad(source, what + " has no string \"dtype\"");
        }
        Dtype dtype;
        try {
            dtype = Dtype.valueOf(dtypeNode.textValue());
        } catch (IllegalArgumentException e) {
            throw bad(source, what + " has dtype '" + dtypeNode.textValue() + "': this reader handles "
                    + Arrays.toString(Dtype.values()));
        }
        JsonNode shapeNode = info.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw bad(source, what + " has no \"shape\" array");
        }
        int[] shape = new int[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                throw bad(source, what + " has shape " + shapeNode + ": dimensions must be integers from 0 to "
                        + Integer.MAX_VALUE);
            }
            shape[i] = d.intValue();
        }
        JsonNode offsets = info.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !isOffset(offsets.get(0)) || !isOffset(offsets.get(1))) {
            throw bad(source, what + " has data_offsets " + offsets + ": need [begin, end], non-negative integers");
        }
        long begin = offsets.get(0).longValue();
        long end = offsets.get(1).longValue();
        if (begin > end || end > dataLength) {
            throw bad(source, what + " has data_offsets [" + begin + ", " + end + "] out of range of the "
                    + dataLength + "-byte data area");
        }
        long elements = 1;
        for (int d : shape) {
            elements = d == 0 ? 0 : (elements > Long.MAX_VALUE / d ? Long.MAX_VALUE : elements * d);
        }
        long needed = elements > Long.MAX_VALUE / dtype.bytes() ? Long.MAX_VALUE : elements * dtype.bytes();
        if (needed != end - begin) {
            throw bad(source, what + " of shape " + Arrays.toString(shape) + " " + dtype + " needs " + needed
                    + " bytes but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        if (elements > Integer.MAX_VALUE - 8) {
            throw bad(source, what + " has " + elements + " elements, more than a Java array holds");
        }
        return new Slot(name, dtype, shape, (int) elements, begin, end, order);
    }

    private static boolean isOffset(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong() && n.longValue() >= 0;
    }

    private static String range(Slot s) {
        return "[" + s.begin() + ", " + s.end() + "]";
    }

    private static IllegalArgumentException bad(String source, String what) {
        return new IllegalArgumentException("bad safetensors file " + source + ": " + what);
    }

    private static int numel(int[] shape, String what) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(what + ": negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(what + ": shape " + Arrays.toString(shape)
                        + " has more elements than a Java array holds");
            }
        }
        return (int) n;
    }

    // ---------------------------------------------------------------- access

    /** What this was read from (a path), for messages. */
    public String source() {
        return source;
    }

    /** The entries in file order. */
    public List<Entry> entries() {
        return entries;
    }

    /** Tensor names in file order. */
    public List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }

    /** The {@code __metadata__} map, empty if the file has none. */
    public Map<String, String> metadata() {
        return metadata;
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** The entry named {@code name}; an {@link IllegalArgumentException} naming the file if absent. */
    public Entry entry(String name) {
        Entry e = byName.get(name);
        if (e == null) {
            throw new IllegalArgumentException(source + ": no tensor '" + name + "'");
        }
        return e;
    }

    public int[] shape(String name) {
        return entry(name).shape();
    }

    public Dtype dtype(String name) {
        return entry(name).dtype();
    }

    /** A new float array of an F32 tensor, or of an F64 one rounded to float; integer tensors are an error. */
    public float[] floats(String name) {
        Entry e = entry(name);
        return switch (e.dtype()) {
            case F32 -> e.floatData().clone();
            case F64 -> {
                double[] d = e.doubleData();
                float[] f = new float[d.length];
                for (int i = 0; i < d.length; i++) {
                    f[i] = (float) d[i];
                }
                yield f;
            }
            case I32, I64 -> throw new IllegalArgumentException(
                    source + ": tensor '" + name + "' is " + e.dtype() + ", not a float tensor");
        };
    }

    /** A new double array of an F32 or F64 tensor; integer tensors are an error. */
    public double[] doubles(String name) {
        Entry e = entry(name);
        return switch (e.dtype()) {
            case F64 -> e.doubleData().clone();
            case F32 -> {
                float[] f = e.floatData();
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    d[i] = f[i];
                }
                yield d;
            }
            case I32, I64 -> throw new IllegalArgumentException(
                    source + ": tensor '" + name + "' is " + e.dtype() + ", not a float tensor");
        };
    }

    /** A new int array of an I32 tensor, or of an I64 one whose values all fit; float tensors are an error. */
    public int[] ints(String name) {
        Entry e = entry(name);
        return switch (e.dtype()) {
            case I32 -> e.intData().clone();
            case I64 -> {
                long[] l = e.longData();
                int[] out = new int[l.length];
                for (int i = 0; i < l.length; i++) {
                    if (l[i] != (int) l[i]) {
                        throw new IllegalArgumentException(source + ": tensor '" + name + "' value " + l[i]
                                + " at index " + i + " does not fit in an int");
                    }
                    out[i] = (int) l[i];
                }
                yield out;
            }
            case F32, F64 -> throw new IllegalArgumentException(
                    source + ": tensor '" + name + "' is " + e.dtype() + ", not an integer tensor");
        };
    }

    /** A new long array of an I32 or I64 tensor; float tensors are an error. */
    public long[] longs(String name) {
        Entry e = entry(name);
        return switch (e.dtype()) {
            case I64 -> e.longData().clone();
            case I32 -> Arrays.stream(e.intData()).asLongStream().toArray();
            case F32, F64 -> throw new IllegalArgumentException(
                    source + ": tensor '" + name + "' is " + e.dtype() + ", not an integer tensor");
        };
    }

    // ---------------------------------------------------------------- runtime tensors

    /** Reads {@code file} into existing tensors; see {@link #fill}. */
    public static void readInto(Path file, Map<String, Tensor> targets) throws IOException {
        read(file).fill(targets);
    }

    /**
     * Copies the values into existing tensors named by the map's keys. The names must be exactly the
     * file's names, and each shape must match exactly; everything is checked before any tensor is
     * written. F32 tensors take F32 or F64 entries, I32 and I64 tensors take I32 or I64 entries.
     */
    public void fill(Map<String, Tensor> targets) {
        List<String> missing = new ArrayList<>();
        for (String name : targets.keySet()) {
            if (!byName.containsKey(name)) {
                missing.add(name);
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (Entry e : entries) {
            if (!targets.containsKey(e.name())) {
                unexpected.add(e.name());
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new IllegalArgumentException(source + ": tensor names differ from the model's: missing "
                    + shortList(missing) + ", unexpected " + shortList(unexpected));
        }
        for (Map.Entry<String, Tensor> t : targets.entrySet()) {
            Entry e = byName.get(t.getKey());
            Tensor target = t.getValue();
            if (!Arrays.equals(e.shape, target.shape())) {
                throw new IllegalArgumentException(source + ": tensor '" + e.name() + "' expected shape "
                        + Arrays.toString(target.shape()) + ", found " + Arrays.toString(e.shape));
            }
            boolean compatible = target.dtype() == DType.F32 ? e.dtype().isFloat() : !e.dtype().isFloat();
            if (!compatible) {
                throw new IllegalArgumentException(source + ": tensor '" + e.name() + "' is " + e.dtype()
                        + " in the file, cannot fill a " + target.dtype() + " tensor");
            }
            if (!target.isContiguous()) {
                throw new IllegalArgumentException("cannot fill tensor '" + e.name() + "': " + target
                        + " is a non-contiguous view");
            }
        }
        for (Map.Entry<String, Tensor> t : targets.entrySet()) {
            String name = t.getKey();
            Tensor target = t.getValue();
            switch (target.dtype()) {
                case F32 -> target.copyFrom(floats(name));
                case I32 -> target.copyFrom(ints(name));
                case I64 -> target.backend().copyFromHost(MemorySegment.ofArray(longs(name)), target);
            }
        }
    }

    /** A new tensor in the current scope holding entry {@code name}: F32 (from F32 or F64), I32 or I64. */
    public Tensor toTensor(String name, Backend backend) {
        Entry e = entry(name);
        return switch (e.dtype()) {
            case F32, F64 -> Tensor.of(backend, floats(name), e.shape);
            case I32 -> Tensor.ofInts(backend, e.intData(), e.shape);
            case I64 -> {
                Tensor t = Tensor.empty(backend, DType.I64, e.shape);
                backend.copyFromHost(MemorySegment.ofArray(e.longData()), t);
                yield t;
            }
        };
    }

    private static String shortList(List<String> names) {
        List<String> shown = new ArrayList<>(names.subList(0, Math.min(5, names.size())));
        if (names.size() > shown.size()) {
            shown.add("... " + (names.size() - shown.size()) + " more");
        }
        return shown.toString();
    }

    @Override
    public String toString() {
        return "SafeTensors[" + source + ", " + entries.size() + " tensors]";
    }
}
