package org.echorec.runtime.op.view;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.echorec.runtime.tensor.DType;
import org.echorec.runtime.tensor.Tensor;

/**
 * view.cu's {@code Geometry} for one or two equally shaped strided views, in 32-bit words (view.cu:
 * "Note: strided geometry"): size-1 axes dropped, axes that step exactly over each other merged (as
 * {@code ViewPlain.Strided}), and for 8-byte elements a trailing axis of size 2 and stride 1 with every
 * other stride doubled, so that the 32-bit kernels move both halves of each element.
 */
record CudaGeometry(long[] size, long[] stride0, long[] stride1) {
    static final int MAX_RANK = 8;
    static final long BYTES = 8 + 3 * 8L * MAX_RANK;

    static CudaGeometry of(String op, Tensor t0, Tensor t1) {
        int[] shape = t0.shape();
        long[] s0 = t0.strides();
        long[] s1 = t1.strides();
        int words = t0.dtype() == DType.I64 ? 2 : 1;
        int rank = shape.length + (words == 2 ? 1 : 0);
        long[] dims = new long[rank];
        long[] a = new long[rank];
        long[] b = new long[rank];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i];
            a[i] = s0[i] * words;
            b[i] = s1[i] * words;
        }
        if (words == 2) {
            dims[rank - 1] = 2;
            a[rank - 1] = 1;
            b[rank - 1] = 1;
        }
        long[] size = new long[rank];
        long[] m0 = new long[rank];
        long[] m1 = new long[rank];
        int k = 0;
        for (int i = 0; i < rank; i++) {
            if (dims[i] == 1) {
                continue; // never stepped over
            }
            if (k > 0 && m0[k - 1] == a[i] * dims[i] && m1[k - 1] == b[i] * dims[i]) {
                size[k - 1] *= dims[i]; // the outer axis steps exactly over this one: merge
                m0[k - 1] = a[i];
                m1[k - 1] = b[i];
            } else {
                size[k] = dims[i];
                m0[k] = a[i];
                m1[k] = b[i];
                k++;
            }
        }
        if (k == 0) {
            size[0] = 1;
            m0[0] = 1;
            m1[0] = 1;
            k = 1;
        }
        if (k > MAX_RANK) {
            throw new IllegalArgumentException(op + ": a strided view of rank " + k + " after merging axes exceeds the "
                    + MAX_RANK + " that the cuda kernel takes; " + t0 + ", " + t1);
        }
        return new CudaGeometry(java.util.Arrays.copyOf(size, k), java.util.Arrays.copyOf(m0, k),
                java.util.Arrays.copyOf(m1, k));
    }

    /** Elements (32-bit words) visited. */
    long total() {
        long n = 1;
        for (long d : size) {
            n *= d;
        }
        return n;
    }

    /** Whether tensor 1 visits an element twice (a stride-0 axis of size &gt; 1): accumulating there would race. */
    boolean repeats1() {
        for (int i = 0; i < size.length; i++) {
            if (stride1[i] == 0 && size[i] > 1) {
                return true;
            }
        }
        return false;
    }

    /** The struct's 200 bytes: rank, size[8], stride0[8], stride1[8], all 64-bit. */
    MemorySegment segment(Arena arena) {
        MemorySegment s = arena.allocate(BYTES, 8);
        s.set(ValueLayout.JAVA_LONG, 0, size.length);
        for (int i = 0; i < size.length; i++) {
            s.set(ValueLayout.JAVA_LONG, 8 + 8L * i, size[i]);
            s.set(ValueLayout.JAVA_LONG, 8 + 8L * (MAX_RANK + i), stride0[i]);
            s.set(ValueLayout.JAVA_LONG, 8 + 8L * (2 * MAX_RANK + i), stride1[i]);
        }
        return s;
    }
}
