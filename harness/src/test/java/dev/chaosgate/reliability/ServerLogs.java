package dev.chaosgate.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Warnings a server logs through java.util.logging (where Netty logs when no SLF4J provider is
 * present) while a fuzzer runs: a client that misbehaves must not make the server print stack traces.
 */
final class ServerLogs extends Handler implements AutoCloseable {
    private final Logger logger;
    private final List<String> warnings = new ArrayList<>();

    private ServerLogs(Logger logger) {
        this.logger = logger;
    }

    /** Starts collecting the warnings of {@code loggerName} and the loggers below it. */
    static ServerLogs capture(String loggerName) {
        Logger logger = Logger.getLogger(loggerName);
        ServerLogs logs = new ServerLogs(logger);
        logger.addHandler(logs);
        return logs;
    }

    synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            Throwable thrown = record.getThrown();
            warnings.add(record.getLoggerName() + ": " + record.getMessage()
                    + (thrown == null ? "" : " (" + thrown.getClass().getSimpleName() + ": " + thrown.getMessage() + ")"));
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
