package dev.chaosgate.console;

/**
 * A listener of {@code chaosgate serve} (the app's gateway or the console) that could not bind its
 * address; {@link #inUse()} tells a port taken by another program from an address this machine lacks.
 */
public final class ListenException extends RuntimeException {
    private final String host;
    private final int port;
    private final boolean inUse;

    public ListenException(String host, int port, boolean inUse, String reason, Throwable cause) {
        super("cannot listen on " + host + ":" + port + ": " + reason, cause);
        this.host = host;
        this.port = port;
        this.inUse = inUse;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** Whether another program holds the port. */
    public boolean inUse() {
        return inUse;
    }
}
