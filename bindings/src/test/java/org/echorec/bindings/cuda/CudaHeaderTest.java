package org.echorec.bindings.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.echorec.bindings.HeaderFunctions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every driver wrapper against the toolkit's {@code cuda.h}, without a GPU or a driver: the symbol is the one
 * the header's macros select, and the wrapper's Java parameters match the C declaration one for one.
 * Skipped, with the reason, where no toolkit header is installed.
 */
class CudaHeaderTest {
    private static final Path HEADER = Path.of(System.getProperty("echorec.cuda.header", "/usr/local/cuda/include/cuda.h"));
    /** Bound on purpose under another name than the macro selects; cuda_h says why at each. */
    private static final Set<String> DOCUMENTED_EXCEPTIONS = Set.of("cuCtxCreate_v2", "cuEventElapsedTime");

    private static String header;
    private static Map<String, String> macroTargets;

    @BeforeAll
    static void readHeader() throws IOException {
        assumeTrue(Files.isReadable(HEADER), () -> "skipped: no " + HEADER
                + " (a CUDA toolkit's header; name another with -Dechorec.cuda.header)");
        header = Files.readString(HEADER);
        macroTargets = versionMacros(header);
        assertTrue(macroTargets.containsKey("cuMemAlloc"), "the header's macro section was parsed");
    }

    @Test
    void eachSymbolIsTheOneTheHeaderMacrosSelect() {
        List<String> names = HeaderFunctions.names(cuda_h.class);
        assertTrue(names.size() >= 40, "driver functions found: " + names);
        for (String symbol : names) {
            if (DOCUMENTED_EXCEPTIONS.contains(symbol)) {
                continue;
            }
            assertFalse(macroTargets.containsKey(symbol),
                    symbol + " is redirected by cuda.h to " + macroTargets.get(symbol) + "; bind that instead");
            String base = symbol.replaceFirst("_v\\d+$", "");
            if (!base.equals(symbol)) {
                assertEquals(symbol, macroTargets.get(base), "cuda.h's macro for " + base);
            }
        }
        assertEquals("cuCtxCreate_v4", macroTargets.get("cuCtxCreate"), "the reason cuCtxCreate_v2 is an exception");
        assertEquals("cuEventElapsedTime_v2", macroTargets.get("cuEventElapsedTime"),
                "the reason cuEventElapsedTime is an exception");
    }

    @Test
    void eachWrapperHasTheParametersOfItsDeclaration() {
        for (String symbol : HeaderFunctions.names(cuda_h.class)) {
            List<String> cParams = declaration(symbol);
            Method wrapper = HeaderFunctions.wrapper(cuda_h.class, symbol);
            Class<?>[] javaParams = wrapper.getParameterTypes();
            assertEquals(cParams.size(), javaParams.length, symbol + " parameters " + cParams);
            for (int i = 0; i < javaParams.length; i++) {
                assertEquals(javaType(cParams.get(i)), javaParams[i], symbol + " parameter " + i + ": " + cParams.get(i));
            }
            assertEquals(int.class, wrapper.getReturnType(), symbol + " returns CUresult");
        }
    }

    /**
     * The C parameters of {@code symbol}: its own declaration, or, for a versioned symbol, the declaration of
     * the plain name whose macro selects it (cuda.h declares {@code cuMemAlloc(...)} and maps it to
     * {@code cuMemAlloc_v2}).
     */
    private static List<String> declaration(String symbol) {
        String params = parameters(symbol);
        if (params == null) {
            String base = symbol.replaceFirst("_v\\d+$", "");
            if (symbol.equals(macroTargets.get(base))) {
                params = parameters(base);
            }
        }
        assertNotNull(params, symbol + " is not declared in " + HEADER);
        List<String> list = new ArrayList<>();
        for (String p : params.split(",")) {
            String trimmed = p.strip();
            if (!trimmed.isEmpty() && !trimmed.equals("void")) {
                list.add(trimmed);
            }
        }
        return list;
    }

    private static String parameters(String name) {
        Matcher m = Pattern.compile("CUresult CUDAAPI " + Pattern.quote(name) + "\\(([^;]*?)\\);", Pattern.DOTALL)
                .matcher(header);
        return m.find() ? m.group(1) : null;
    }

    /** The Java type the binding uses for a C parameter such as {@code size_t bytesize}. */
    private static Class<?> javaType(String cParam) {
        if (cParam.contains("*")) {
            return MemorySegment.class;
        }
        String type = cParam.replaceFirst("\\s*\\w+$", "").replace("const ", "").strip();
        return switch (type) {
            case "CUdeviceptr", "size_t" -> long.class;
            case "float" -> float.class;
            case "unsigned char" -> byte.class;
            case "CUcontext", "CUstream", "CUevent", "CUmodule", "CUfunction" -> MemorySegment.class;
            default -> int.class; // int, unsigned int, CUdevice, CUresult and the enums
        };
    }

    /**
     * The unconditional {@code #define cuX cuX_vN} lines at the top of cuda.h (the per-thread default stream
     * wrapper {@code __CUDA_API_PTDS(...)} is transparent without that option), up to the block that only
     * applies with {@code CUDA_API_PER_THREAD_DEFAULT_STREAM}.
     */
    private static Map<String, String> versionMacros(String text) {
        int end = text.indexOf("#if defined(__CUDA_API_PER_THREAD_DEFAULT_STREAM)");
        String top = end < 0 ? text : text.substring(0, end);
        Matcher m = Pattern.compile("(?m)^#define\\s+(cu\\w+)\\s+(?:__CUDA_API_PT(?:DS|SZ)\\()?(cu\\w+)\\)?\\s*$")
                .matcher(top);
        Map<String, String> targets = new HashMap<>();
        while (m.find()) {
            targets.put(m.group(1), m.group(2));
        }
        return targets;
    }
}
