package org.echorec.runtime.tensor;

import java.util.Arrays;

/** Arithmetic on shapes and strides. */
public final class Shape {
    private Shape() {}

    public static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Product of the dimensions in {@code [from, to)}. */
    public static long numel(int[] shape, int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) {
            n *= shape[i];
        }
        return n;
    }

    public static long[] contiguousStrides(int[] shape) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= shape[i];
        }
        return strides;
    }

    /** Contiguity where the strides of size-1 axes do not matter (they are never stepped over). */
    static boolean isContiguousIgnoringUnitDims(int[] shape, long[] strides) {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 1) {
                continue;
            }
            if (strides[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /** Resolves a -1 in {@code target} and checks the element count. */
    public static int[] inferReshape(int[] source, int[] target) {
        long total = numel(source);
        int[] dims = target.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1) {
                if (unknown >= 0) {
                    throw new IllegalArgumentException("more than one -1 in " + Arrays.toString(target));
                }
                unknown = i;
            } else {
                known *= dims[i];
            }
        }
        if (unknown >= 0) {
            if (known == 0 || total % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Arrays.toString(source) + " to " + Arrays.toString(target));
            }
            dims[unknown] = (int) (total / known);
        } else if (known != total) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(source) + " to " + Arrays.toString(target));
        }
        return dims;
    }

    /** Storage offset (relative to element 0) of the element at a row-major flat index. */
    public static long stridedOffset(int[] shape, long[] strides, long flatIndex) {
        long off = 0;
        long rest = flatIndex;
        for (int i = shape.length - 1; i >= 0; i--) {
            long idx = rest % shape[i];
            rest /= shape[i];
            off += idx * strides[i];
        }
        return off;
    }

    /** {@code shape} with {@code axis} removed. */
    public static int[] without(int[] shape, int axis) {
        int[] out = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != axis) {
                out[j++] = shape[i];
            }
        }
        return out;
    }

    /** {@code shape} with its last axis replaced by {@code last}. */
    public static int[] withLast(int[] shape, int last) {
        int[] out = shape.clone();
        out[out.length - 1] = last;
        return out;
    }

    /** {@code shape} with {@code extra} appended. */
    public static int[] append(int[] shape, int... extra) {
        int[] out = Arrays.copyOf(shape, shape.length + extra.length);
        System.arraycopy(extra, 0, out, shape.length, extra.length);
        return out;
    }

    /** True when {@code suffix} equals the trailing dimensions of {@code shape}. */
    public static boolean isSuffix(int[] suffix, int[] shape) {
        if (suffix.length > shape.length) {
            return false;
        }
        int off = shape.length - suffix.length;
        for (int i = 0; i < suffix.length; i++) {
            if (suffix[i] != shape[off + i]) {
                return false;
            }
        }
        return true;
    }
}
