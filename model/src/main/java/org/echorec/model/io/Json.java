package org.echorec.model.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The package's one Jackson setup: strict on input (duplicate keys, trailing garbage), compact or pretty on output. */
final class Json {
    /** Rejects duplicate keys and anything after the root value but whitespace, as serde_json does. */
    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Two-space indent, {@code "key": value} as Python's {@code json.dumps(indent=2)} writes it. */
    static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    private Json() {}

    /** Jackson's message without its multi-line source excerpt, plus line and column. */
    static String describe(JsonProcessingException e) {
        String where = "";
        JsonLocation loc = e.getLocation();
        if (loc != null && loc.getLineNr() > 0) {
            where = " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
        }
        return oneLine(e.getOriginalMessage()) + where;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
