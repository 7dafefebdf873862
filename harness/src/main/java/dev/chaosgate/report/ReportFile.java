package dev.chaosgate.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes one report file, turning I/O failures into one-line messages that name the path. A file is
 * written whole or not at all: the content goes to {@code <name>.tmp} beside it, which is then renamed
 * over it, so a full disk or a crash mid-write leaves the previous file as it was, and no temporary file.
 */
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
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            // NOFOLLOW_LINKS: a link planted as the temporary file is refused too, not written through.
            Files.writeString(temporary, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return file;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // what matters is the write's failure
            }
            throw new UncheckedIOException("cannot write the report file " + file + ": " + reason(e, file), e);
        }
    }

    /**
     * The cause in words. NIO's messages are often just the path ({@code FileAlreadyExistsException: /tmp/x}),
     * which says nothing to someone reading a CLI error, so the common ones are spelled out.
     */
    static String reason(IOException e, Path path) {
        if (String.valueOf(e.getMessage()).contains("No space left on device")) {
            return "disk full, no space left on device";
        }
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
