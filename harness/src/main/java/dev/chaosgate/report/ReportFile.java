package dev.chaosgate.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Writes one report file, turning I/O failures into one-line messages that name the path. */
final class ReportFile {
    private ReportFile() {
    }

    /**
     * Writes {@code content} to {@code file}, never through a symbolic link: a link planted where a
     * report goes (say in a shared {@code /tmp} directory) would otherwise have chaosgate overwrite
     * whatever it points at.
     */
    static Path write(Path file, String content) {
        if (Files.isSymbolicLink(file)) {
            throw new UncheckedIOException("cannot write the report file " + file + ": it is a symbolic link, and reports are"
                    + " not written through links; remove it", new FileSystemException(file.toString()));
        }
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report file " + file + ": " + reason(e, file), e);
        }
    }

    /**
     * The cause in words. NIO's messages are often just the path ({@code FileAlreadyExistsException: /tmp/x}),
     * which says nothing to someone reading a CLI error, so the common ones are spelled out.
     */
    static String reason(IOException e, Path path) {
        if (e instanceof FileAlreadyExistsException x) {
            return (x.getFile() == null ? path.toString() : x.getFile()) + " exists and is not a directory";
        }
        if (e instanceof AccessDeniedException x) {
            return "permission denied" + (x.getFile() == null || x.getFile().equals(path.toString()) ? "" : " on " + x.getFile());
        }
        if (e instanceof NoSuchFileException x) {
            return "no such file or directory" + (x.getFile() == null || x.getFile().equals(path.toString()) ? "" : ": " + x.getFile());
        }
        if (e instanceof FileSystemException x && x.getReason() != null) {
            return x.getReason() + (x.getFile() == null || x.getFile().equals(path.toString()) ? "" : " (" + x.getFile() + ")");
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
