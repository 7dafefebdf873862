package dev.chaosgate.console;

import dev.chaosgate.journal.Journal;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.upstream.FaultDecision;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The recording of a serve session, kept in its file: one segment per stretch of the run (a
 * {@link Recording} and a journal of the same stretch), a new segment started when the scenario is
 * switched or reset, the earlier ones kept. The file is never one that existed before: it is created
 * by the first write, and an existing file is refused. It is rewritten at most every
 * {@value #WRITE_EVERY_MS} ms when something changed, and on close, so stopping the session loses
 * nothing. Thread-safe.
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
    /** The segments so far, the one being recorded last; each with its journal at the same index. */
    private final List<Recording> segments = new ArrayList<>();
    private final List<Journal> journals = new ArrayList<>();
    /** Bumped on every change (a decision, a journal entry, a new segment), so a write can tell whether there is anything new. */
    private long changes;
    private long writtenChanges = -1;
    private boolean createdFile;
    /** Why the last write failed, or null when it worked. */
    private volatile String problem;
    private volatile Instant lastWritten;
    private final Object writeLock = new Object();

    /**
     * Starts recording {@code scenario} and writes the (empty) recording at once, so a file that
     * cannot be written is known before anything is served.
     *
     * @throws FileAlreadyExistsException when {@code file} exists: a recording is never written over
     * @throws IOException naming the file
     */
    RecordingFile(Path file, Scenario scenario, long seed, Consumer<String> warnings) throws IOException {
        this.file = file.toAbsolutePath();
        this.warnings = warnings;
        if (Files.exists(this.file, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(this.file.toString(), null, "it exists, and a recording is never written over");
        }
        segments.add(Recording.start(scenario, seed));
        journals.add(new Journal());
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

    /**
     * Starts a new segment (after a switch or reset, {@code cause} says which); the earlier ones are kept. A
     * segment in which nothing happened yet is replaced rather than kept empty.
     */
    synchronized void restart(Scenario scenario, long seed, String cause) {
        int last = segments.size() - 1;
        if (segments.get(last).decisions().isEmpty() && journals.get(last).size() == 0) {
            segments.remove(last);
            journals.remove(last);
        }
        segments.add(Recording.start(scenario, seed, segments.isEmpty() ? Recording.START : cause));
        journals.add(new Journal());
        changes++;
    }

    synchronized void add(FaultDecision decision) {
        current().add(decision);
        changes++;
    }

    /** A real API's answer: kept in the segment that holds its request's decision (the newest, if none does). */
    synchronized void add(dev.chaosgate.upstream.live.LiveAnswer answer) {
        Recording holder = current();
        for (int i = segments.size() - 1; i >= 0; i--) {
            if (segments.get(i).decided(answer.sequence())) {
                holder = segments.get(i);
                break;
            }
        }
        holder.add(answer);
        changes++;
    }

    synchronized void record(Journal.Entry entry) {
        Journal journal = journals.get(journals.size() - 1);
        if (entry instanceof Journal.Request request) {
            journal.record(request.exchange());
        } else if (entry instanceof Journal.Link link) {
            journal.record(link.event());
        }
        changes++;
    }

    /** The segment being recorded. */
    synchronized Recording current() {
        return segments.get(segments.size() - 1);
    }

    /** Every segment so far, the one being recorded last. */
    synchronized List<Recording> segments() {
        return List.copyOf(segments);
    }

    /** Decisions recorded in every segment so far. */
    synchronized int decisionCount() {
        return segments.stream().mapToInt(segment -> segment.decisions().size()).sum();
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
                warnings.accept("the recording is written to " + file + " again, with everything so far ("
                        + decisionCount() + " decisions, " + journalSize() + " journal entries)");
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
        return journals.stream().mapToInt(Journal::size).sum();
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
            List<Recording> snapshot;
            List<Journal> journalSnapshot;
            long version;
            synchronized (this) {
                version = changes;
                if (version == writtenChanges) {
                    return;
                }
                snapshot = List.copyOf(segments);
                journalSnapshot = List.copyOf(journals);
            }
            if (!createdFile && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                // Created since the check at start (another session given the same file): never written over.
                throw new FileAlreadyExistsException(file.toString(), null, "it exists, and a recording is never written over");
            }
            Recording.write(file, snapshot, journalSnapshot);
            createdFile = true;
            lastWritten = Instant.now();
            synchronized (this) {
                writtenChanges = version;
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
