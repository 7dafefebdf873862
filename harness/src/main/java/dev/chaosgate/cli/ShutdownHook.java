package dev.chaosgate.cli;

/**
 * Runs a long-lived command's stop on SIGINT or SIGTERM (Ctrl-C), so what it holds is closed and
 * written before the JVM exits; disarmed once the command has stopped by itself.
 */
final class ShutdownHook {
    private Thread hook;

    /** Stops with {@code stop} when the JVM shuts down; replaces any hook armed before. */
    synchronized void arm(Runnable stop, String threadName) {
        disarm();
        hook = new Thread(stop, threadName);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    synchronized void disarm() {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or has run: nothing to remove.
        }
        hook = null;
    }
}
