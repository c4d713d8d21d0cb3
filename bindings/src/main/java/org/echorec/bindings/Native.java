package org.echorec.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * What every binding shares: finding its native library, binding functions, and turning status codes
 * into exceptions. The generated-style header classes ({@code <lib>_h}) stay raw and call only this.
 *
 * <p>Note: library discovery. A library is looked for, in this order: the file named by the system
 * property {@code echorec.lib.<key>} or the environment variable {@code ECHOREC_LIB_<KEY>} (an explicit
 * choice: if it does not load, discovery stops there and says so); then each soname through the dynamic
 * loader, which covers ld.so.cache, {@code LD_LIBRARY_PATH} and the default directories; then each soname
 * in each extra directory (places a distribution keeps off the loader's path, such as Debian's
 * alternatives directories). The first that loads wins. A library that is absent is not an error until
 * it is used: {@link #load} returns a {@link Library} that says in one sentence what was searched.
 *
 * <p>Note: dependencies in the same directory. A library taken from an extra directory may need a sibling
 * the loader cannot find (cuBLAS needs cuBLASLt; both sit in a Python wheel's folder, which is on no
 * loader path). Libraries that carry {@code RUNPATH $ORIGIN} find it themselves; for those that do not,
 * {@link #load(String, String, List, List, List)} loads the named siblings from that directory first, so
 * the library's own load finds them already there (the loader matches a needed soname against the
 * libraries already loaded). Siblings are loaded only next to a file that is about to be loaded, never
 * ahead of the dynamic loader's own search, where they could shadow the matching system copy.
 */
public final class Native {
    private static final Linker LINKER = Linker.nativeLinker();

    private Native() {}

    /**
     * A native library that was found (its symbols and where it came from) or not (why not).
     * {@code name} is the human name used in messages ("OpenBLAS", "CUDA driver").
     */
    public record Library(String name, SymbolLookup symbols, String origin, String unavailableReason) {
        public boolean isAvailable() {
            return symbols != null;
        }

        /** The symbols, or an {@link UnsatisfiedLinkError} with the reason the library is unavailable. */
        public SymbolLookup require() {
            if (symbols == null) {
                throw new UnsatisfiedLinkError(unavailableReason);
            }
            return symbols;
        }
    }

    /**
     * Looks for a library as the note says. {@code key} names the override ({@code echorec.lib.<key>},
     * {@code ECHOREC_LIB_<KEY>}); {@code sonames} are tried in order, first through the dynamic loader,
     * then in each of {@code extraDirs}.
     */
    public static Library load(String name, String key, List<String> sonames, List<Path> extraDirs) {
        return load(name, key, sonames, extraDirs, List.of());
    }

    /**
     * As {@link #load(String, String, List, List)}, and when the library is taken from a file in a
     * directory (an extra directory, or the override), first loads those of {@code siblings} that the same
     * directory holds (see the note: dependencies in the same directory).
     */
    public static Library load(String name, String key, List<String> sonames, List<Path> extraDirs,
                               List<String> siblings) {
        String property = "echorec.lib." + key;
        String variable = "ECHOREC_LIB_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        String explicit = System.getProperty(property);
        String via = "-D" + property;
        if (explicit == null || explicit.isBlank()) {
            explicit = System.getenv(variable);
            via = variable;
        }
        if (explicit != null && !explicit.isBlank()) {
            return loadExplicit(name, Path.of(explicit.trim()), via, siblings);
        }
        for (String soname : sonames) {
            try {
                return new Library(name, SymbolLookup.libraryLookup(soname, Arena.global()),
                        soname + " (dynamic loader)", null);
            } catch (IllegalArgumentException notFound) {
                // try the next name
            }
        }
        for (Path dir : extraDirs) {
            for (String soname : sonames) {
                Path file = dir.resolve(soname);
                if (Files.exists(file)) {
                    loadSiblings(dir, siblings);
                    try {
                        SymbolLookup symbols = SymbolLookup.libraryLookup(file, Arena.global());
                        return new Library(name, symbols, file.toString(), null);
                    } catch (IllegalArgumentException unloadable) {
                        // a file that is there but does not load: keep looking
                    }
                }
            }
        }
        return new Library(name, null, null, name + " not found: tried " + String.join(", ", sonames)
                + " through the dynamic loader (ld.so.cache, LD_LIBRARY_PATH)"
                + (extraDirs.isEmpty() ? "" : " and in " + joinPaths(extraDirs))
                + "; install it or name the file with -D" + property + " or " + variable);
    }

    private static Library loadExplicit(String name, Path file, String via, List<String> siblings) {
        if (!Files.exists(file)) {
            return new Library(name, null, null,
                    name + " not loaded: " + via + " names " + file + ", which does not exist");
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            loadSiblings(dir, siblings);
        }
        try {
            return new Library(name, SymbolLookup.libraryLookup(file, Arena.global()), file + " (" + via + ")", null);
        } catch (IllegalArgumentException e) {
            return new Library(name, null, null, name + " not loaded: " + via + " names " + file
                    + ", which the dynamic loader rejected (" + e.getMessage() + ")");
        }
    }

    private static void loadSiblings(Path dir, List<String> siblings) {
        for (String sibling : siblings) {
            Path file = dir.resolve(sibling);
            if (Files.exists(file)) {
                try {
                    SymbolLookup.libraryLookup(file, Arena.global());
                } catch (IllegalArgumentException unloadable) {
                    // the library's own load will then say what is missing
                }
            }
        }
    }

    private static String joinPaths(List<Path> dirs) {
        List<String> names = new ArrayList<>();
        for (Path d : dirs) {
            names.add(d.toString());
        }
        return String.join(", ", names);
    }

    /**
     * A downcall handle for {@code symbol} of {@code library}. Throws {@link UnsatisfiedLinkError} naming
     * the library and the symbol when the library is unavailable or lacks the symbol (an older version).
     */
    public static MethodHandle downcall(Library library, String symbol, FunctionDescriptor descriptor,
                                        Linker.Option... options) {
        SymbolLookup symbols = library.require();
        return symbols.find(symbol)
                .map(address -> LINKER.downcallHandle(address, descriptor, options))
                .orElseThrow(() -> new UnsatisfiedLinkError(library.name() + " (" + library.origin()
                        + ") has no symbol " + symbol));
    }

    /**
     * Turns a status code into an exception: {@code status == success} returns; anything else throws a
     * {@link NativeException} naming the call, the code and, through {@code describe}, its symbolic name.
     */
    public static void check(int status, int success, String call, IntFunction<String> describe) {
        if (status != success) {
            throw new NativeException(call, status, describe.apply(status));
        }
    }
}
