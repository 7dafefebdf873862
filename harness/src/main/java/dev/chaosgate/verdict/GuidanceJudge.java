package dev.chaosgate.verdict;

import dev.chaosgate.fixtures.GuidanceEntry;
import dev.chaosgate.fixtures.GuidanceJudgement;
import dev.chaosgate.fixtures.Intent;
import dev.chaosgate.fixtures.IntentMatch;

import java.util.List;
import java.util.Optional;

/**
 * {@code RAW_ERROR_SHOWN}, {@code NO_GUIDANCE}, {@code WRONG_GUIDANCE}, {@code TRUNCATION_UNDETECTED}:
 * what the user was shown, judged against the guidance catalog's entry for the failure.
 */
final class GuidanceJudge implements Judge {
    static final String RAW_ERROR = "raw_error";
    static final String INTERRUPTED = "interrupted";
    static final String STREAM_INTERRUPTED = "stream_interrupted";

    @Override
    public void judge(VerdictCase c, List<Finding> findings) {
        String shown = c.report().shownText();
        Optional<IntentMatch> raw = c.catalog().intents().containsKey(RAW_ERROR)
                ? c.catalog().intent(RAW_ERROR).find(shown) : Optional.empty();
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
        GuidanceJudgement judgement = entry.get().judge(shown);
        String cls = expected.get();
        List<IntentMatch> forbidden = judgement.forbidden().stream().filter(m -> !m.intent().equals(RAW_ERROR)).toList();
        if (cls.equals(STREAM_INTERRUPTED) && !shown.isBlank() && judgement.missing().contains(INTERRUPTED)) {
            findings.add(Finding.of(FindingCode.TRUNCATION_UNDETECTED,
                    "the stream was cut, yet what the user saw reads as a complete answer; a good client marks it interrupted and offers to regenerate",
                    "last attempt: " + c.last().map(Attempt::describe).orElse("none"),
                    "shown: \"" + shorten(shown) + "\"", "missing: " + describe(entry.get(), INTERRUPTED)));
            return;
        }
        if (!forbidden.isEmpty()) {
            IntentMatch first = forbidden.get(0);
            findings.add(Finding.of(FindingCode.WRONG_GUIDANCE,
                    "for " + cls + " the user was told something a good message must not say ("
                            + first.intent() + ": \"" + first.excerpt() + "\")",
                    "expected: " + entry.get().description(),
                    "shown: \"" + shorten(shown) + "\"",
                    "must not say: " + forbidden.stream().map(IntentMatch::intent).distinct().toList()));
            return;
        }
        if (!judgement.missing().isEmpty()) {
            boolean nothingUseful = judgement.said().isEmpty();
            findings.add(Finding.of(nothingUseful ? FindingCode.NO_GUIDANCE : FindingCode.WRONG_GUIDANCE,
                    (shown.isBlank() ? "the user was shown nothing" : nothingUseful
                            ? "the user was not told what happened or what to do"
                            : "the user was told only part of what they need")
                            + " after the client gave up on " + cls,
                    "must say: " + judgement.missing().stream().map(name -> describe(entry.get(), name)).toList(),
                    "shown: " + (shown.isBlank() ? "nothing" : "\"" + shorten(shown) + "\"")));
        }
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
