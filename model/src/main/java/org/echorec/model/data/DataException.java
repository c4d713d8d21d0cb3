package org.echorec.model.data;

import java.nio.file.Path;

/**
 * Input data that cannot be used. An {@link IllegalArgumentException} so that the command line
 * prints its message as one line; the message names the file and, where there is one, the 1-based
 * line, because that is what a person needs to go and fix the file.
 */
public final class DataException extends IllegalArgumentException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "{@code file}, line {@code n}: {@code problem}". */
    static DataException at(Path file, long line, String problem) {
        return new DataException(file + ", line " + line + ": " + problem);
    }
}
