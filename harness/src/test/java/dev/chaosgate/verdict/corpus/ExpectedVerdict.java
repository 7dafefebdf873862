package dev.chaosgate.verdict.corpus;

import java.util.Arrays;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a cell of the matrix must give: {@code PASS}, {@code FAIL:CODE+CODE} (exactly these finding
 * codes) or {@code SKIP:reason} (the client does not exercise the scenario; the cell is not run).
 */
public record ExpectedVerdict(Kind kind, SortedSet<String> codes, String skipReason) {
    public enum Kind { PASS, FAIL, SKIP }

    public ExpectedVerdict {
        codes = new TreeSet<>(codes);
    }

    /** Parses a cell; the exception message says what a cell may hold. */
    public static ExpectedVerdict parse(String text) {
        String cell = text.strip();
        if (cell.equals("PASS")) {
            return new ExpectedVerdict(Kind.PASS, new TreeSet<>(), "");
        }
        if (cell.startsWith("FAIL:") && cell.length() > 5) {
            SortedSet<String> codes = Arrays.stream(cell.substring(5).split("\\+")).map(String::strip)
                    .collect(Collectors.toCollection(TreeSet::new));
            if (codes.stream().allMatch(c -> c.matches("[A-Z][A-Z0-9_]*"))) {
                return new ExpectedVerdict(Kind.FAIL, codes, "");
            }
        }
        if (cell.startsWith("SKIP:") && cell.length() > 5) {
            return new ExpectedVerdict(Kind.SKIP, new TreeSet<>(), cell.substring(5).strip());
        }
        throw new IllegalArgumentException("'" + text + "' is not a verdict: write PASS, FAIL:CODE+CODE (finding codes"
                + " in upper snake case, e.g. FAIL:NO_RETRY+PROMPT_LOST) or SKIP:<reason>");
    }

    /** True when a verdict with these codes (empty: PASS) is the one expected. */
    public boolean matches(Set<String> actual) {
        return kind == Kind.PASS ? actual.isEmpty() : kind == Kind.FAIL && codes.equals(new TreeSet<>(actual));
    }

    @Override
    public String toString() {
        return switch (kind) {
            case PASS -> "PASS";
            case FAIL -> "FAIL:" + String.join("+", codes);
            case SKIP -> "SKIP:" + skipReason;
        };
    }
}
