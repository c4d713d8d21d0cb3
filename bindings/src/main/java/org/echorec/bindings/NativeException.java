package org.echorec.bindings;

/** A native call returned an error status; the message names the call, the code and its meaning. */
public final class NativeException extends RuntimeException {
    private final String call;
    private final int status;

    public NativeException(String call, int status, String meaning) {
        super(call + " failed: " + meaning + " (" + status + ")");
        this.call = call;
        this.status = status;
    }

    public String call() {
        return call;
    }

    public int status() {
        return status;
    }
}
