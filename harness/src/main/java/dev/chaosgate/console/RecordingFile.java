package dev.chaosgate.console;

import dev.chaosgate.journal.Journal;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.FaultDecision;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The recording of a serve session, kept in its file: the current {@link Recording} and a journal of
 * the same stretch of the run, both started afresh when the scenario is switched or reset. The file
 * is rewritten at most every {@value #WRITE_EVERY_MS} ms when something changed, and on close, so
 * stopping the session loses nothing. Thread-safe.
 *
 * <p>A write that fails (a full disk) changes nothing in memory: the next one writes everything
 * recorded so far. The problem is said once when it starts and once when a write works again, and
 * {@link #problem()} holds it meanwhile, for the console.
 */
final class RecordingFile implements AutoCloseable {
    static final long WRITE_EVERY_MS = 250;

    private final Path file;
    private final Consumer<String> warnings;
    private final ScheduledExecutorService writer;
    private Recording recording;
    private Journal journal;
    /** Journal entries recorded since the last write (the recording counts its decisions itself). */
    private long journalChanges;
    private long writtenVersion = -1;
    private long writtenJournalChanges = -1;
    /** Why the last write failed, or null when it worked. */
    private volatile String problem;
    private volatile Instant lastWritten;
    private final Object writeLock = new Object();

    /**
     * Starts recording {@code scenario} and writes the (empty) recording at once, so a file that
     * cannot be written is known before anything is served.
     *
     * @throws IOException naming the file
     */
    RecordingFile(Path file, Scenario scenario, long seed, Consumer<String> warnings) throws IOException {
        this.file = file.toAbsolutePath();
        this.warnings = warnings;
        this.recording = Recording.start(scenario, seed);
        this.journal = new Journal();
        write();
        writer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "chaosgate-recording");
            thread.setDaemon(true);
            return thread;
        });
        writer.scheduleWithFixedDelay(this::writeIfChanged, WRITE_EVERY_MS, WRITE_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    Path path() {
        return file;
    }

    /** Starts a new recording (after a switch or reset); the file holds the new one from the next write. */
    synchronized void restart(Scenario scenario, long seed) {
        recording = Recording.start(scenario, seed);
        journal = new Journal();
        journalChanges++;
    }

    void add(FaultDecision decision) {
        current().add(decision);
    }

    synchronized void record(Journal.Entry entry) {
        if (entry instanceof Journal.Request request) {
            journal.record(request.exchange());
        } else if (entry instanceof Journal.Link link) {
            journal.record(link.event());
        }
        journalChanges++;
    }

    /** The recording being made. */
    synchronized Recording current() {
        return recording;
    }

    /** Why the last write of the file failed (e.g. {@code disk full, no space left on device}), or null. */
    String problem() {
        return problem;
    }

    /** Writes the file now if anything changed since the last write. */
    void writeIfChanged() {
        try {
            write();
            if (problem != null) {
                problem = null;
                Recording written = current();
                warnings.accept("the recording is written to " + file + " again, with everything so far ("
                        + written.decisions().size() + " decisions, " + journalSize() + " journal entries)");
            }
        } catch (IOException | RuntimeException e) {
            // Said once per run of failures, not every 250 ms.
            if (problem == null) {
                problem = describe(e);
                warnings.accept("cannot write the recording to " + file + " (" + problem + "); serving goes on,"
                        + " the run is kept in memory and written as soon as the file can be written again");
            }
        }
    }

    private synchronized int journalSize() {
        return journal.size();
    }

    /** The cause of a failed write in words, naming the disk when it is full. */
    static String describe(Exception e) {
        String message = e.getMessage();
        if (message != null && message.contains("No space left on device")) {
            return "disk full, no space left on device";
        }
        String kind = e.getClass().getSimpleName().replace("Exception", "");
        return message == null ? kind : kind.equals("IO") ? message : kind + ": " + message;
    }

    /**
     * Writes a snapshot outside the lock, so the serving threads that record never wait on the disk;
     * only one write runs at a time.
     */
    private void write() throws IOException {
        synchronized (writeLock) {
            Recording snapshot;
            Journal journalSnapshot;
            long version;
            long changes;
            synchronized (this) {
                snapshot = recording;
                journalSnapshot = journal;
                version = snapshot.version();
                changes = journalChanges;
                if (version == writtenVersion && changes == writtenJournalChanges) {
                    return;
                }
            }
            snapshot.write(file, journalSnapshot);
            lastWritten = Instant.now();
            synchronized (this) {
                writtenVersion = version;
                writtenJournalChanges = changes;
            }
        }
    }

    /** Stops the periodic writes and writes what is left; a last write that fails is always said. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            write();
        } catch (IOException | RuntimeException e) {
            warnings.accept("cannot write the recording to " + file + " on stop (" + describe(e) + "); the file holds"
                    + " the run as last written, at " + lastWritten + "; what came after is lost");
        }
    }
}
