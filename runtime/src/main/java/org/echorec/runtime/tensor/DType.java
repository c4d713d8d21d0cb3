package org.echorec.runtime.tensor;

/** Element types. Float32 is the working type; the integer types carry ids and indices. */
public enum DType {
    F32(4),
    I32(4),
    I64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }
}
