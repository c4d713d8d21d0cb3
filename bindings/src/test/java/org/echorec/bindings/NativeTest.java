package org.echorec.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.FunctionDescriptor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
