package org.echorec.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The functions of a jextract-shaped header class, found by their holder classes (each holds a
 * {@code HANDLE}), so that a test needs no second list that could drift from the class.
 */
public final class HeaderFunctions {
    private HeaderFunctions() {}

    /** The holder names of {@code header}, sorted: by the convention, the native symbols it binds. */
    public static List<String> names(Class<?> header) {
        TreeSet<String> names = new TreeSet<>();
        for (Class<?> nested : header.getDeclaredClasses()) {
            if (hasHandle(nested)) {
                names.add(nested.getSimpleName());
            }
        }
        return new ArrayList<>(names);
    }

    /**
     * Binds every function of {@code header} as its first call would, by initialising each holder, and
     * checks the convention: the symbol resolves in {@code symbols} under the holder's name, and one public
     * static wrapper has that name and the Java types of the holder's descriptor (which {@code invokeExact}
     * would otherwise only reject at the first call). Nothing native is called. Returns the names bound.
     */
    public static List<String> bindAll(Class<?> header, SymbolLookup symbols) throws ReflectiveOperationException {
        List<String> names = names(header);
        for (String name : names) {
            Class<?> holder = Class.forName(header.getName() + "$" + name, true, header.getClassLoader());
            assertTrue(symbols.find(name).isPresent(), name + " does not resolve");
            Field handleField = holder.getDeclaredField("HANDLE");
            handleField.setAccessible(true);
            MethodType bound = ((MethodHandle) handleField.get(null)).type();
            Method wrapper = wrapper(header, name);
            assertEquals(bound, MethodType.methodType(wrapper.getReturnType(), wrapper.getParameterTypes()),
                    name + ": the descriptor and the wrapper disagree");
        }
        return names;
    }

    /** The one public static method of {@code header} named {@code name}. */
    public static Method wrapper(Class<?> header, String name) {
        List<Method> found = new ArrayList<>();
        for (Method m : header.getDeclaredMethods()) {
            if (m.getName().equals(name) && Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())) {
                found.add(m);
            }
        }
        assertEquals(1, found.size(), "public static wrappers named " + name);
        return found.get(0);
    }

    private static boolean hasHandle(Class<?> nested) {
        try {
            nested.getDeclaredField("HANDLE");
            return true;
        } catch (NoSuchFieldException e) {
            return false;
        }
    }
}
