package org.echorec.runtime.op;

/** Elementwise functions of two arguments, see {@link Ops#binary}. */
public enum Binary {
    /** out = a + b. */
    ADD,
    /** out = a − b. */
    SUB,
    /** out = a · b. */
    MUL,
    /** out = a / b. */
    DIV
}
