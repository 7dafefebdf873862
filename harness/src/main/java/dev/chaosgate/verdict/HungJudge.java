package dev.chaosgate.verdict;

import java.util.List;
import java.util.Locale;

/**
 * {@code CLIENT_HUNG}: a client still waiting, with neither an answer nor a message, when the harness
 * stopped it. It did not give up, so none of the give-up findings (no retry, no guidance, lost prompt)
 * describe it; this one does, with what was left on screen (a "still thinking" notice, a partial answer).
 */
final class HungJudge implements Judge {
    @Override
    public void judge(VerdictCase c, List<Finding> findings) {
        if (!c.hung()) {
            return;
        }
        String stopped = "stopped after " + String.format(Locale.ROOT, "%.0f s", c.report().stoppedAfter().toMillis() / 1000.0)
                + " (run --client-timeout)";
        if (c.attempts().isEmpty()) {
            findings.add(Finding.of(FindingCode.CLIENT_HUNG,
                    "the client was still waiting when it was " + stopped + ": "
                            + (c.linkConnections() > 0 ? "nothing came back on its connection and it never timed out"
                            : "no request of it reached the gateway and it never gave up")
                            + "; a good client has its own timeout, then retries or tells the user",
                    "link connections: " + c.linkConnections(), stopped, onScreen(c.report())));
            return;
        }
        Attempt last = c.last().orElseThrow();
        boolean stillOpen = !last.exchange().complete() || last.exchange().clientClosed();
        String what = stillOpen
                ? "still waiting on attempt " + last.number() + " (sent at +" + last.offset().toMillis() + " ms, its answer not finished)"
                : "still running after attempt " + last.number() + "'s answer (" + last.status()
                + (last.askedWait() != null ? ", which asked to wait " + last.askedWait().toSeconds() + " s" : "")
                + "), without trying again or telling the user";
        findings.add(Finding.of(FindingCode.CLIENT_HUNG,
                "the client was " + what + " when it was " + stopped + "; a good client has its own timeout"
                        + " (and caps any wait it is asked for), then retries or tells the user",
                last.describe(), stopped, onScreen(c.report())));
    }

    /** What the user was looking at when the client was stopped: the last text shown, and since when. */
    private static String onScreen(ClientReport report) {
        int last = report.lastIndex();
        if (last < 0) {
            return "on screen when stopped: nothing";
        }
        String text = report.shown().get(last).replace("\n", " | ");
        String when = report.when(last);
        return "on screen when stopped: \"" + (text.length() > 160 ? text.substring(0, 157) + "..." : text) + "\""
                + (when.isEmpty() ? "" : " (" + when + ")");
    }
}
