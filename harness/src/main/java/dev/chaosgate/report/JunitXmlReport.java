package dev.chaosgate.report;

import dev.chaosgate.verdict.Finding;
import dev.chaosgate.verdict.FindingCode;
import dev.chaosgate.verdict.Verdict;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code junit.xml}: the run in the JUnit XML format CI servers read (Jenkins, GitLab, GitHub Actions reporters,
 * Azure DevOps). One {@code <testsuite name="chaosgate">}; one {@code <testcase>} per scenario and mode, named like
 * the row ({@code bad-gateway-burst}, {@code bad-gateway-burst [stream]}), class name
 * {@code chaosgate.<client slug>}; a failed verdict is a {@code <failure>} whose type is its finding codes and whose
 * text is {@link Verdict#explain()}; a scenario not played on purpose is {@code <skipped>}, a row not judged (the
 * client crashed in it, or the run stopped before it) an {@code <error>}.
 */
public final class JunitXmlReport {
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ISO_LOCAL_DATE_TIME;

    private JunitXmlReport() {
    }

    /** The report as an XML document (UTF-8 declared), ending with a newline. */
    public static String render(RunResult run) {
        StringWriter text = new StringWriter();
        try {
            // The JDK's own writer: a StAX implementation elsewhere on a user's classpath must not change the output.
            XMLStreamWriter xml = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(text);
            xml.writeStartDocument("UTF-8", "1.0");
            newline(xml, 0);
            xml.writeStartElement("testsuite");
            xml.writeAttribute("name", "chaosgate");
            xml.writeAttribute("tests", String.valueOf(run.outcomes().size()));
            xml.writeAttribute("failures", String.valueOf(run.count(ScenarioOutcome.Status.FAIL)));
            xml.writeAttribute("skipped", String.valueOf(run.count(ScenarioOutcome.Status.SKIPPED)));
            xml.writeAttribute("errors", String.valueOf(run.count(ScenarioOutcome.Status.ERROR)));
            xml.writeAttribute("time", seconds(run.elapsed()));
            xml.writeAttribute("timestamp", timestamp(run.started()));
            properties(xml, run);
            for (ScenarioOutcome outcome : run.outcomes()) {
                testcase(xml, run, outcome);
            }
            newline(xml, 0);
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot print the JUnit XML report", e);
        }
        return text + "\n";
    }

    private static void properties(XMLStreamWriter xml, RunResult run) throws XMLStreamException {
        newline(xml, 1);
        xml.writeStartElement("properties");
        property(xml, "client", run.client());
        property(xml, "seed", run.seed() == null ? "per scenario" : String.valueOf(run.seed()));
        property(xml, "complete", String.valueOf(run.complete()));
        if (!run.complete()) {
            property(xml, "stoppedBecause", run.stoppedBecause());
        }
        newline(xml, 1);
        xml.writeEndElement();
    }

    private static void property(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        newline(xml, 2);
        xml.writeEmptyElement("property");
        xml.writeAttribute("name", name);
        xml.writeAttribute("value", XmlText.oneLine(value));
    }

    private static void testcase(XMLStreamWriter xml, RunResult run, ScenarioOutcome outcome) throws XMLStreamException {
        newline(xml, 1);
        xml.writeStartElement("testcase");
        xml.writeAttribute("classname", "chaosgate." + run.clientSlug());
        xml.writeAttribute("name", outcome.label());
        xml.writeAttribute("time", seconds(outcome.elapsed()));
        Verdict verdict = outcome.verdict();
        if (outcome.status() == ScenarioOutcome.Status.SKIPPED) {
            newline(xml, 2);
            xml.writeEmptyElement("skipped");
            xml.writeAttribute("message", XmlText.oneLine(outcome.note().isEmpty() ? "not played" : outcome.note()));
        } else if (outcome.status() == ScenarioOutcome.Status.ERROR) {
            // Not judged: an error, not a failure, so a CI server shows the run as broken rather than as a verdict.
            newline(xml, 2);
            xml.writeStartElement("error");
            xml.writeAttribute("type", outcome.clientStderr().isEmpty() ? "not-run" : "client-crashed");
            xml.writeAttribute("message", XmlText.oneLine(outcome.note().isEmpty() ? "not judged" : outcome.note()));
            List<String> text = new ArrayList<>();
            text.add(outcome.note());
            if (!outcome.clientStderr().isEmpty()) {
                text.add("The client's stderr ended with:");
                text.addAll(outcome.clientStderr());
            }
            xml.writeCharacters(XmlText.clean(String.join("\n", text)));
            xml.writeEndElement();
        } else if (outcome.status() == ScenarioOutcome.Status.FAIL) {
            newline(xml, 2);
            xml.writeStartElement("failure");
            xml.writeAttribute("type", codes(verdict, ","));
            xml.writeAttribute("message", failureMessage(verdict));
            // A crowd: the aggregate, then the verdict of each user that failed.
            xml.writeCharacters(XmlText.clean(outcome.crowd() != null ? outcome.crowd().explain() : verdict.explain()));
            xml.writeEndElement();
        }
        if (!outcome.clientOutput().isEmpty()) {
            newline(xml, 2);
            xml.writeStartElement("system-out");
            xml.writeCharacters(XmlText.clean(String.join("\n", outcome.clientOutput())));
            xml.writeEndElement();
        }
        // For a judged scenario the note is what the client run reported (exit code, stderr tail); the verdict's
        // notes (what the judges could not judge) follow, so a passed test case still says it.
        List<String> notes = new ArrayList<>();
        if (outcome.crowd() != null) {
            // Every user's verdict, passed or not, and the aggregate: a crowd passes only when all of them do.
            notes.add("crowd: " + outcome.crowd().figures().summary());
            outcome.crowd().users().forEach(u -> notes.add(u.user() + ": " + (u.verdict().passed() ? "PASS" : "FAIL "
                    + codes(u.verdict(), ", ")) + ", " + u.verdict().attempts().size() + " attempt(s)"
                    + (u.answered() ? ", answered" : "")));
        }
        if (verdict != null && !outcome.note().isEmpty()) {
            notes.add(outcome.note());
        }
        if (verdict != null) {
            verdict.notes().forEach(note -> notes.add("note: " + note));
            // Why a client that exited non-zero did so, in its own words.
            if (!outcome.clientStderr().isEmpty()) {
                notes.add("the client's stderr ended with:");
                notes.addAll(outcome.clientStderr());
            }
        }
        if (!notes.isEmpty()) {
            newline(xml, 2);
            xml.writeStartElement("system-err");
            xml.writeCharacters(XmlText.clean(String.join("\n", notes)));
            xml.writeEndElement();
        }
        newline(xml, 1);
        xml.writeEndElement();
    }

    /** One line a CI summary can show: {@code NO_RETRY, NO_BACKOFF: <the first finding's message>}. */
    static String failureMessage(Verdict verdict) {
        if (verdict.findings().isEmpty()) {
            return "failed";
        }
        Finding first = verdict.findings().get(0);
        return XmlText.oneLine(codes(verdict, ", ") + ": " + first.message());
    }

    private static String codes(Verdict verdict, String separator) {
        return verdict.codes().stream().map(FindingCode::name).collect(Collectors.joining(separator));
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.3f", duration.toNanos() / 1e9);
    }

    /** The JUnit schema's timestamp has no zone; UTC is the least surprising reading. */
    private static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC).toLocalDateTime());
    }

    private static void newline(XMLStreamWriter xml, int depth) throws XMLStreamException {
        xml.writeCharacters("\n" + "  ".repeat(depth));
    }
}
