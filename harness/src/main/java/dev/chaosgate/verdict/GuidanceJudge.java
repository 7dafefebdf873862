package dev.chaosgate.verdict;

import dev.chaosgate.fixtures.FailureClass;
import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.fixtures.GuidanceEntry;
import dev.chaosgate.fixtures.GuidanceJudgement;
import dev.chaosgate.fixtures.Intent;
import dev.chaosgate.fixtures.IntentMatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code RAW_ERROR_SHOWN}, {@code NO_GUIDANCE}, {@code WRONG_GUIDANCE}, {@code TRUNCATION_UNDETECTED}:
 * what the user was shown, judged against the guidance catalog's entry for the failure.
 *
 * <p>Raw errors are looked for in every text shown. Guidance is judged on what the user is left
 * with once the client gave up: the last text shown (for a cut stream, the mark shown after the
 * partial answer, or the partial answer itself when nothing came after it). A text the app showed
 * under a message key is judged by the key's failure class; a text in a language the catalog lacks
 * is not judged, and the verdict carries a note saying so ({@link #notes}).
 */
final class GuidanceJudge implements Judge {
    static final String RAW_ERROR = "raw_error";
    static final String INTERRUPTED = "interrupted";
    static final String STREAM_INTERRUPTED = "stream_interrupted";
    static final String RETRY_NOTICE = "retry_notice";
    /** A wait counted down in seconds or minutes, in any of the catalog's languages ("in 2 s", "dans 5 secondes"). */
    private static final Pattern COUNTDOWN = Pattern.compile(
            "\\b(in|dans|en)\\s+\\d+(\\.\\d+)?\\s*(s|sec|secs|seconds?|sekunden?|secondes?|segundos?|min|mins|minutes?|minuten?|minutos?)\\b",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    @Override
    public void judge(VerdictCase c, List<Finding> findings) {
        GuidanceCatalog catalog = c.catalog();
        // every text on its own: a raw error shown along the way counts as much as the last one
        Optional<IntentMatch> raw = Optional.empty();
        if (catalog.intents().containsKey(RAW_ERROR)) {
            for (String text : c.report().shown()) {
                raw = catalog.findIntent(RAW_ERROR, text);
                if (raw.isPresent()) {
                    break;
                }
            }
        }
        raw.ifPresent(match -> findings.add(Finding.of(FindingCode.RAW_ERROR_SHOWN,
                "the user was shown a raw error (markup, JSON, an error code or a stack trace); a good client maps it to a plain message",
                "shown: \"" + match.excerpt() + "\" (" + match.phrasing() + ")")));
        if (!c.gaveUp()) {
            return;
        }
        Optional<String> expected = c.expectedGuidance();
        Optional<GuidanceEntry> entry = expected.flatMap(c::entry);
        if (entry.isEmpty()) {
            return;
        }
        String cls = expected.get();
        Optional<ClientReport.Message> last = c.report().lastMessage();
        String shown = last.map(ClientReport.Message::text).orElse("");
        if (!shown.isEmpty() && catalog.intents().containsKey(RAW_ERROR) && catalog.findIntent(RAW_ERROR, shown).isPresent()) {
            // The user was left with the raw error itself: RAW_ERROR_SHOWN says it all, a second finding would repeat it.
            return;
        }
        if (last.isPresent() && !last.get().hasKey() && catalog.intents().containsKey(RETRY_NOTICE)) {
            Optional<IntentMatch> notice = catalog.findIntent(RETRY_NOTICE, shown);
            if (notice.isPresent() && readsAsNotice(shown, c.report().shown())) {
                // "Retrying in 1 s…" left on screen after the last attempt: the user waits for a retry that never comes.
                findings.add(Finding.of(FindingCode.NO_GUIDANCE,
                        "the user was left with a notice that the client is retrying (\"" + notice.get().excerpt()
                                + "\"), but it had stopped after " + cls + "; a good client replaces the notice with a final message",
                        "last attempt: " + c.last().map(Attempt::describe).orElse("none"),
                        "shown last: \"" + shorten(shown) + "\"",
                        "must say: " + entry.get().mustSay().stream().map(Intent::name).toList()));
                return;
            }
        }
        List<String> keyNote = new ArrayList<>();
        GuidanceJudgement judgement;
        if (last.isPresent() && last.get().hasKey()) {
            String key = last.get().key();
            Optional<FailureClass> keyed = catalog.classForMessageKey(key);
            if (keyed.isPresent() && !keyed.get().name().equals(cls)) {
                findings.add(Finding.of(FindingCode.WRONG_GUIDANCE,
                        "for " + cls + " the user was left with the app's message for " + keyed.get().name()
                                + " (message key `" + key + "`)",
                        "message key: `" + key + "` stands for " + keyed.get().name() + ", the failure was " + cls,
                        "expected: " + entry.get().description(),
                        "shown: \"" + shorten(shown) + "\""));
                return;
            }
            if (keyed.isPresent()) {
                // the key says what the message says; its text may still promise what cannot come
                judgement = entry.get().judgeForbiddenOnly(shown);
            } else {
                keyNote.add("message key `" + key + "` maps to no failure class; map it under `message_keys:` in the"
                        + " guidance catalog (docs/fixtures.md)");
                judgement = entry.get().judge(shown);
            }
        } else {
            judgement = entry.get().judge(shown);
            if (!passes(judgement) && streamBroke(c) && !cls.equals(STREAM_INTERRUPTED)
                    && c.entry(STREAM_INTERRUPTED).map(e -> passes(e.judge(shown))).orElse(false)) {
                // The answer's stream had begun (status 200) when it broke, stalled or carried an error: to the
                // user the answer stopped, so "interrupted, regenerate?" is as true as the failure's own wording.
                return;
            }
        }
        if (!judgement.judged()) {
            return;                     // a language the catalog lacks: a note, not a finding (see notes)
        }
        List<IntentMatch> forbidden = judgement.forbidden().stream().filter(m -> !m.intent().equals(RAW_ERROR)).toList();
        if (cls.equals(STREAM_INTERRUPTED) && !shown.isBlank() && judgement.missing().contains(INTERRUPTED)) {
            List<String> evidence = new ArrayList<>(List.of(
                    "last attempt: " + c.last().map(Attempt::describe).orElse("none"),
                    "shown: \"" + shorten(shown) + "\"", "missing: " + describe(entry.get(), INTERRUPTED)));
            evidence.addAll(keyNote);
            findings.add(new Finding(FindingCode.TRUNCATION_UNDETECTED,
                    "the stream was cut, yet what the user saw reads as a complete answer; a good client marks it interrupted and offers to regenerate",
                    evidence));
            return;
        }
        if (!forbidden.isEmpty()) {
            IntentMatch first = forbidden.get(0);
            List<String> evidence = new ArrayList<>(List.of(
                    "expected: " + entry.get().description(),
                    "shown: \"" + shorten(shown) + "\"",
                    "must not say: " + forbidden.stream().map(IntentMatch::intent).distinct().toList()));
            evidence.addAll(keyNote);
            findings.add(new Finding(FindingCode.WRONG_GUIDANCE,
                    "for " + cls + " the user was told something a good message must not say ("
                            + first.intent() + ": \"" + first.excerpt() + "\")",
                    evidence));
            return;
        }
        if (!judgement.missing().isEmpty()) {
            boolean nothingUseful = judgement.said().isEmpty();
            List<String> evidence = new ArrayList<>(List.of(
                    "must say: " + judgement.missing().stream().map(name -> describe(entry.get(), name)).toList(),
                    "shown: " + (shown.isBlank() ? "nothing" : "\"" + shorten(shown) + "\"")));
            if (c.report().shown().stream().filter(t -> !t.isBlank()).count() > 1) {
                evidence.add("judged: the last text shown, what the user is left with (earlier texts are read for raw errors only)");
            }
            evidence.addAll(keyNote);
            findings.add(new Finding(nothingUseful ? FindingCode.NO_GUIDANCE : FindingCode.WRONG_GUIDANCE,
                    (shown.isBlank() ? "the user was shown nothing" : nothingUseful
                            ? "the user was not told what happened or what to do"
                            : "the user was told only part of what they need")
                            + " after the client gave up on " + cls,
                    evidence));
        }
    }

    /**
     * Notes for the verdict that are not findings: guidance that could not be judged because the
     * last text is in a language the catalog has no phrasings for.
     */
    static List<String> notes(VerdictCase c) {
        if (!c.gaveUp()) {
            return List.of();
        }
        Optional<String> expected = c.expectedGuidance();
        Optional<GuidanceEntry> entry = expected.flatMap(c::entry);
        Optional<ClientReport.Message> last = c.report().lastMessage();
        if (entry.isEmpty() || last.isEmpty()) {
            return List.of();
        }
        if (last.get().hasKey() && c.catalog().classForMessageKey(last.get().key()).isPresent()) {
            return List.of();
        }
        GuidanceJudgement j = entry.get().judge(last.get().text());
        if (j.judged()) {
            return List.of();
        }
        String code = j.language();
        return List.of("guidance not judged: the last message (\"" + shorten(last.get().text()) + "\") reads as "
                + j.languageName() + " (" + code + "), a language the guidance catalog has no phrasings for"
                + " (it has " + String.join(", ", c.catalog().languages()) + "). To judge it, add the language in a"
                + " team catalog: `languages: " + code + ": {negation: [...]}` and `" + code + ":` phrasings for the"
                + " intents of " + expected.get() + " (docs/fixtures.md, \"Adding a language\"), or report the message"
                + " with its key (`SHOWN[" + expected.get() + "]: ...`)");
    }

    private static boolean passes(GuidanceJudgement judgement) {
        return judgement.judged() && judgement.missing().isEmpty()
                && judgement.forbidden().stream().allMatch(m -> m.intent().equals(RAW_ERROR));
    }

    /** Whether the last attempt failed after its answer's stream had begun: a 200 event stream that broke. */
    private static boolean streamBroke(VerdictCase c) {
        return c.last().map(a -> a.exchange().streamed() && a.exchange().status() / 100 == 2).orElse(false);
    }

    /**
     * Whether a text that speaks of retrying is a progress notice rather than a sentence about retrying ("after
     * retrying three times…", "…before trying again."): it ends in an ellipsis, counts down ("in 2 s"), or was
     * already shown before (modulo its numbers), as notices are while a client waits between attempts.
     */
    static boolean readsAsNotice(String text, List<String> shownBefore) {
        String trimmed = text.strip();
        if (trimmed.endsWith("\u2026") || trimmed.endsWith("...") || COUNTDOWN.matcher(trimmed).find()) {
            return true;
        }
        String shape = trimmed.replaceAll("\\d+", "#");
        return shownBefore.stream().filter(t -> t.strip().replaceAll("\\d+", "#").equals(shape)).count() >= 2;
    }


    private static String describe(GuidanceEntry entry, String intentName) {
        return entry.mustSay().stream().filter(i -> i.name().equals(intentName)).findFirst()
                .map(Intent::description).map(d -> intentName + " (" + d + ")").orElse(intentName);
    }

    private static String shorten(String text) {
        String line = text.replace("\n", " | ");
        return line.length() > 160 ? line.substring(0, 157) + "..." : line;
    }
}
