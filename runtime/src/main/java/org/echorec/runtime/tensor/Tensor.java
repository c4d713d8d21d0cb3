package org.echorec.runtime.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.echorec.runtime.backend.Backend;

/**
 * An n-dimensional array: a {@link Storage}, an element type, a shape, strides and an offset (both in
 * elements). Row-major when contiguous. Views ({@link #reshape}, {@link #narrow}, {@link #transpose})
 * share the storage and copy nothing.
 *
 * <p>The view methods here do not record gradients; the differentiable versions are in
 * {@code org.echorec.runtime.autograd.F}. Gradient bookkeeping fields (requires-grad, a leaf's
 * accumulated gradient) live here so that parameters are plain tensors.
 */
public final class Tensor {
    private final Storage storage;
    private final DType dtype;
    private final int[] shape;
    private final long[] strides;
    private final long offset;

    private boolean requiresGrad;
    private boolean leaf = true;
    private Tensor grad;
    private boolean gradValid;
    private String name;

    private Tensor(Storage storage, DType dtype, int[] shape, long[] strides, long offset) {
        this.storage = storage;
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    // ---------------------------------------------------------------- creation

    /** Uninitialised float32 tensor owned by the current scope. */
    public static Tensor empty(Backend backend, int... shape) {
        return empty(backend, DType.F32, shape);
    }

    /** Uninitialised tensor owned by the current scope. */
    public static Tensor empty(Backend backend, DType dtype, int... shape) {
        return empty(Scope.current(), backend, dtype, shape);
    }

    /** Uninitialised tensor owned by {@code scope}. */
    public static Tensor empty(Scope scope, Backend backend, DType dtype, int... shape) {
        int[] dims = checkShape(shape);
        long bytes = Math.max(1, Shape.numel(dims)) * dtype.bytes();
        Storage storage = backend.allocate(bytes);
        scope.adopt(storage);
        return new Tensor(storage, dtype, dims, Shape.contiguousStrides(dims), 0);
    }

    /** A new uninitialised tensor with this one's backend, type and shape, in the current scope. */
    public static Tensor emptyLike(Tensor like) {
        return empty(like.backend(), like.dtype, like.shape);
    }

    public static Tensor zeros(Backend backend, int... shape) {
        Tensor t = empty(backend, shape);
        backend.ops().fill(t, 0f);
        return t;
    }

    public static Tensor full(Backend backend, float value, int... shape) {
        Tensor t = empty(backend, shape);
        backend.ops().fill(t, value);
        return t;
    }

    public static Tensor zerosLike(Tensor like) {
        Tensor t = emptyLike(like);
        like.backend().ops().fill(t, 0f);
        return t;
    }

    /** A float32 tensor holding {@code data} (row-major), in the current scope. */
    public static Tensor of(Backend backend, float[] data, int... shape) {
        Tensor t = empty(backend, shape);
        t.copyFrom(data);
        return t;
    }

    /** An int32 tensor holding {@code data} (row-major), in the current scope. */
    public static Tensor ofInts(Backend backend, int[] data, int... shape) {
        Tensor t = empty(backend, DType.I32, shape);
        t.copyFrom(data);
        return t;
    }

    /** A float32 scalar (shape {@code []}). */
    public static Tensor scalar(Backend backend, float value) {
        return of(backend, new float[] {value});
    }

    private static int[] checkShape(int[] shape) {
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
        }
        return shape.clone();
    }

    // ---------------------------------------------------------------- geometry

    public Storage storage() {
        storage.checkLive();
        return storage;
    }

    public Backend backend() {
        return storage.backend();
    }

    public DType dtype() {
        return dtype;
    }

    public int rank() {
        return shape.length;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of {@code axis}; negative axes count from the end. */
    public int dim(int axis) {
        return shape[axis(axis)];
    }

    /** A copy of the strides, in elements. */
    public long[] strides() {
        return strides.clone();
    }

    public long stride(int axis) {
        return strides[axis(axis)];
    }

    /** Offset of element {@code [0,...,0]} in the storage, in elements. */
    public long offset() {
        return offset;
    }

    public long numel() {
        return Shape.numel(shape);
    }

    /** Normalises a possibly negative axis. */
    public int axis(int axis) {
        int a = axis < 0 ? axis + shape.length : axis;
        if (a < 0 || a >= shape.length) {
            throw new IllegalArgumentException("axis " + axis + " out of range for shape " + Arrays.toString(shape));
        }
        return a;
    }

    /** True when the elements are laid out row-major without gaps. */
    public boolean isContiguous() {
        return numel() <= 1 || Shape.isContiguousIgnoringUnitDims(shape, strides);
    }

    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    // ---------------------------------------------------------------- views (no copy, no gradient)

    /** The same elements in a new shape; one dimension may be -1. Needs a contiguous tensor. */
    public Tensor reshape(int... newShape) {
        int[] dims = Shape.inferReshape(shape, newShape);
        if (!isContiguous()) {
            throw new IllegalStateException("reshape of a non-contiguous view " + this + ": copy it first");
        }
        return view(dims, Shape.contiguousStrides(dims), offset);
    }

    /** Elements {@code [start, start+length)} along {@code axis}. */
    public Tensor narrow(int axis, int start, int length) {
        int a = axis(axis);
        if (start < 0 || length < 0 || start + length > shape[a]) {
            throw new IllegalArgumentException("narrow(" + axis + ", " + start + ", " + length + ") out of range for " + this);
        }
        int[] dims = shape.clone();
        dims[a] = length;
        return view(dims, strides.clone(), offset + start * strides[a]);
    }

    /** Swaps two axes. */
    public Tensor transpose(int axisA, int axisB) {
        int a = axis(axisA);
        int b = axis(axisB);
        int[] dims = shape.clone();
        long[] st = strides.clone();
        dims[a] = shape[b];
        dims[b] = shape[a];
        st[a] = strides[b];
        st[b] = strides[a];
        return view(dims, st, offset);
    }

    /** Repeats a size-1 axis {@code size} times with stride 0 (read-only use). */
    public Tensor expand(int axis, int size) {
        int a = axis(axis);
        if (shape[a] != 1) {
            throw new IllegalArgumentException("expand needs a size-1 axis, got " + this + " axis " + axis);
        }
        int[] dims = shape.clone();
        long[] st = strides.clone();
        dims[a] = size;
        st[a] = 0;
        return view(dims, st, offset);
    }

    /** A view sharing storage; the new tensor does not require gradients. */
    public Tensor detach() {
        return view(shape.clone(), strides.clone(), offset);
    }

    private Tensor view(int[] dims, long[] st, long off) {
        return new Tensor(storage, dtype, dims, st, off);
    }

    /** A view with explicit geometry; used by backends and tests that need unusual strides. */
    public Tensor asStrided(int[] dims, long[] st, long off) {
        if (dims.length != st.length) {
            throw new IllegalArgumentException("shape and strides differ in rank");
        }
        return view(dims.clone(), st.clone(), off);
    }

    // ---------------------------------------------------------------- host data

    /** Copies the elements to a new float array, row-major. */
    public float[] toFloatArray() {
        requireType(DType.F32);
        float[] out = new float[Math.toIntExact(numel())];
        readInto(MemorySegment.ofArray(out));
        return out;
    }

    /** Copies the elements to a new int array, row-major. */
    public int[] toIntArray() {
        requireType(DType.I32);
        int[] out = new int[Math.toIntExact(numel())];
        readInto(MemorySegment.ofArray(out));
        return out;
    }

    /** Copies the elements to a new long array, row-major. */
    public long[] toLongArray() {
        requireType(DType.I64);
        long[] out = new long[Math.toIntExact(numel())];
        readInto(MemorySegment.ofArray(out));
        return out;
    }

    /** The single value of a one-element float tensor. */
    public float item() {
        if (numel() != 1) {
            throw new IllegalStateException("item() of a tensor with " + numel() + " elements: " + this);
        }
        return toFloatArray()[0];
    }

    /** Overwrites the elements from a row-major float array of exactly {@code numel()} values. */
    public Tensor copyFrom(float[] data) {
        requireType(DType.F32);
        writeFrom(MemorySegment.ofArray(data), data.length);
        return this;
    }

    /** Overwrites the elements from a row-major int array of exactly {@code numel()} values. */
    public Tensor copyFrom(int[] data) {
        requireType(DType.I32);
        writeFrom(MemorySegment.ofArray(data), data.length);
        return this;
    }

    private void writeFrom(MemorySegment host, int length) {
        if (length != numel()) {
            throw new IllegalArgumentException(length + " values for " + this);
        }
        if (!isContiguous()) {
            throw new IllegalStateException("copyFrom into a non-contiguous view " + this);
        }
        backend().copyFromHost(host, this);
    }

    private void readInto(MemorySegment host) {
        if (isContiguous()) {
            backend().copyToHost(this, host);
            return;
        }
        Scope tmp = Scope.detached("readback");
        try (tmp) {
            Tensor dense = empty(tmp, backend(), dtype, shape);
            backend().ops().copy(this, dense, false);
            backend().copyToHost(dense, host);
        }
    }

    private void requireType(DType expected) {
        if (dtype != expected) {
            throw new IllegalStateException("expected a " + expected + " tensor, got " + this);
        }
    }

    /** Reads one float element at a row-major flat index (slow; for tests and debugging). */
    public float getFloat(long flatIndex) {
        requireType(DType.F32);
        float[] one = new float[1];
        Tensor element = asStrided(new int[0], new long[0], offset + Shape.stridedOffset(shape, strides, flatIndex));
        element.backend().copyToHost(element, MemorySegment.ofArray(one));
        return one[0];
    }

    // ---------------------------------------------------------------- gradient bookkeeping

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf (a parameter) as needing a gradient. */
    public Tensor requiresGrad(boolean value) {
        if (!leaf) {
            throw new IllegalStateException("requiresGrad can only be set on leaf tensors, not on " + this);
        }
        this.requiresGrad = value;
        return this;
    }

    /** True for tensors not produced by a recorded operation. */
    public boolean isLeaf() {
        return leaf;
    }

    /** Called by the tape on the outputs of a recorded operation. */
    public void markRecorded() {
        this.leaf = false;
        this.requiresGrad = true;
    }

    /** The gradient accumulated into this leaf since the last {@link #zeroGrad()}, or null if none. */
    public Tensor grad() {
        return gradValid ? grad : null;
    }

    /** The gradient buffer whatever its state (null before the first backward); for the tape. */
    public Tensor gradBuffer() {
        return grad;
    }

    /** Installs the gradient buffer of a leaf and marks it as holding a gradient; for the tape. */
    public void setGrad(Tensor buffer) {
        this.grad = buffer;
        this.gradValid = buffer != null;
    }

    /** Forgets the accumulated gradient; the buffer is kept and overwritten by the next backward. */
    public void zeroGrad() {
        this.gradValid = false;
    }

    public String name() {
        return name;
    }

    public Tensor name(String value) {
        this.name = value;
        return this;
    }

    @Override
    public String toString() {
        return "Tensor" + (name != null ? "[" + name + "]" : "") + Arrays.toString(shape) + " " + dtype
                + (isContiguous() ? "" : " strides=" + Arrays.toString(strides)) + " on " + storage.backend().name();
    }
}
