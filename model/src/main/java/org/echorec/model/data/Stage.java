package org.echorec.model.data;

/** The three parts of a {@link Split}. */
public enum Stage {
    TRAIN, VALID, TEST
}
