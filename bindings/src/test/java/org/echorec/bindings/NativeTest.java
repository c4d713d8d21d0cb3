package org.echorec.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeTest {
    @Test
    void aMissingLibraryGivesOneSentenceNamingWhatWasSearched() {
        List<String> sonames = List.of("libechorec-absent.so.7", "libechorec-absent.so");
        Native.Library lib = Native.load("Nothing", "nothing-here", sonames, List.of(Path.of("/nonexistent/dir")));
        assertFalse(lib.isAvailable());
        String reason = lib.unavailableReason();
        assertTrue(reason.startsWith("Nothing not found: tried libechorec-absent.so.7, libechorec-absent.so"), reason);
        assertTrue(reason.contains("/nonexistent/dir"), reason);
        assertTrue(reason.contains("-Dechorec.lib.nothing-here"), reason);
        assertTrue(reason.contains("ECHOREC_LIB_NOTHING_HERE"), reason);
        assertEquals(1, reason.split("\\. ").length, "one sentence: " + reason);
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class,
                () -> Native.downcall(lib, "f", FunctionDescriptor.ofVoid()));
        assertEquals(reason, e.getMessage());
    }

    @Test
    void anExplicitFileThatDoesNotExistIsReportedAndNotSearchedPast() {
        System.setProperty("echorec.lib.explicit-test", "/nonexistent/libc.so.6");
        try {
            Native.Library lib = Native.load("C library", "explicit-test", List.of("libc.so.6"), List.of());
            assertFalse(lib.isAvailable(), "the explicit choice wins over a soname that would load");
            assertTrue(lib.unavailableReason().contains("-Dechorec.lib.explicit-test names /nonexistent/libc.so.6"),
                    lib.unavailableReason());
        } finally {
            System.clearProperty("echorec.lib.explicit-test");
        }
    }

    @Test
    void theDynamicLoaderFindsASystemLibraryAndAMissingSymbolIsNamed() {
        Native.Library libc = Native.load("C library", "libc-test", List.of("libc.so.6"), List.of());
        assertTrue(libc.isAvailable(), libc.unavailableReason());
        assertTrue(libc.origin().contains("libc.so.6"), libc.origin());
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class,
                () -> Native.downcall(libc, "echorec_no_such_function", FunctionDescriptor.ofVoid()));
        assertTrue(e.getMessage().contains("has no symbol echorec_no_such_function"), e.getMessage());
    }

    @Test
    void checkTurnsAStatusIntoAnExceptionNamingTheCall() {
        Native.check(0, 0, "fooInit", s -> "FOO_OK");
        NativeException e = assertThrows(NativeException.class,
                () -> Native.check(7, 0, "fooRun", s -> "FOO_BAD_" + s));
        assertEquals("fooRun failed: FOO_BAD_7 (7)", e.getMessage());
        assertEquals(7, e.status());
    }

    @Test
    void siblingsInTheLibrarysDirectoryAreLoadedWithIt(@TempDir Path dir) throws IOException {
        // Two small glibc libraries nothing else loads stand in for cuBLAS and cuBLASLt in a wheel's folder.
        Path system = Path.of("/usr/lib/x86_64-linux-gnu");
        assumeTrue(Files.exists(system.resolve("libanl.so.1")) && Files.exists(system.resolve("libutil.so.1")),
                "skipped: needs glibc's libanl.so.1 and libutil.so.1 in " + system + " as stand-ins");
        Files.copy(system.resolve("libanl.so.1"), dir.resolve("libechorec-sibling.so"));
        Files.copy(system.resolve("libutil.so.1"), dir.resolve("libechorec-main.so"));
        Native.Library lib = Native.load("Stand-in", "sibling-test", List.of("libechorec-main.so"), List.of(dir),
                List.of("libechorec-absent-sibling.so", "libechorec-sibling.so"));
        assertTrue(lib.isAvailable(), lib.unavailableReason());
        assertEquals(dir.resolve("libechorec-main.so").toString(), lib.origin());
        String maps = Files.readString(Path.of("/proc/self/maps"));
        assertTrue(maps.contains(dir.resolve("libechorec-sibling.so").toString()), "the sibling is mapped");
    }
}
