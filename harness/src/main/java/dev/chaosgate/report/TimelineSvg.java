package dev.chaosgate.report;

import dev.chaosgate.fixtures.GuidanceCatalog;
import dev.chaosgate.verdict.Attempt;
import dev.chaosgate.verdict.FailureRule;
import dev.chaosgate.verdict.Finding;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Draws the attempts of one verdict as an inline SVG, one row per attempt (Gantt style) so labels never collide:
 *
 * <pre>
 *            | burst                           | recovered          |   phase bands behind the rows
 *   #1       ██ 502 cloudflare/502-branded
 *   #2          |--waited 180 ms--|██ 502 ...                             the wait since the previous answer ended
 *               |--asked 2000 ms-------------|                            what that answer asked for (Retry-After)
 *   #3 NO_BACKOFF                           ██ 200 answered
 *            0        200 ms       400 ms ...                             ms since attempt #1 arrived
 * </pre>
 *
 * The plot has a fixed width ({@link #WIDTH} px); its right part is kept free for the label of the last bar.
 */
final class TimelineSvg {
    static final int WIDTH = 960;
    private static final int LEFT = 150;
    private static final int LABEL_ROOM = 200;
    private static final int RIGHT = 10;
    private static final int TOP = 26;
    private static final int ROW = 56;
    private static final int AXIS = 44;
    private static final int BAR = 14;
    private static final double MIN_BAR = 4;
    /** Average glyph width of the 11 px labels; enough to decide where a label fits. */
    private static final double CHAR = 6.3;
    private static final String[] BAND_FILLS = {"#e7f0fb", "#f4efe3"};
    private static final Pattern ATTEMPT = Pattern.compile("\\battempt (\\d+)\\b");

    private TimelineSvg() {
    }

    static String render(List<Attempt> attempts, List<Finding> findings) {
        return render(attempts, findings, GuidanceCatalog.builtIn());
    }

    /** The bars coloured by the one failure rule with {@code catalog}, the catalog the verdict was judged against. */
    static String render(List<Attempt> attempts, List<Finding> findings, GuidanceCatalog catalog) {
        if (attempts.isEmpty()) {
            return "<svg class=\"timeline\" role=\"img\" aria-label=\"no attempt reached the upstream\" width=\"" + WIDTH
                    + "\" height=\"56\" viewBox=\"0 0 " + WIDTH + " 56\">"
                    + "<rect x=\"0.5\" y=\"0.5\" width=\"" + (WIDTH - 1) + "\" height=\"55\" rx=\"4\" fill=\"#f8f9fa\" stroke=\"#ced4da\"/>"
                    + "<text x=\"" + WIDTH / 2 + "\" y=\"32\" text-anchor=\"middle\" class=\"empty\">no attempt reached the upstream</text></svg>\n";
        }
        TimeAxis axis = TimeAxis.fitting(latestMs(attempts), LEFT, WIDTH - LEFT - LABEL_ROOM - RIGHT);
        int height = TOP + attempts.size() * ROW + AXIS;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"timeline\" role=\"img\" aria-label=\"timeline of ").append(attempts.size())
                .append(attempts.size() == 1 ? " attempt" : " attempts").append("\" width=\"").append(WIDTH)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height).append("\">\n");
        phaseBands(svg, attempts, axis);
        grid(svg, axis, attempts.size());
        Map<Integer, List<String>> marks = findingMarks(findings);
        for (int i = 0; i < attempts.size(); i++) {
            row(svg, axis, attempts, i, marks.getOrDefault(attempts.get(i).number(), List.of()), catalog);
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** The right end of what is drawn: every answer's end, and every asked wait counted from its answer's end. */
    private static double latestMs(List<Attempt> attempts) {
        double latest = 0;
        for (int i = 0; i < attempts.size(); i++) {
            Attempt attempt = attempts.get(i);
            latest = Math.max(latest, ms(attempt.end().toNanos()));
            if (attempt.askedWait() != null && i + 1 < attempts.size()) {
                latest = Math.max(latest, ms(attempt.end().plus(attempt.askedWait()).toNanos()));
            }
        }
        return latest;
    }

    /**
     * Consecutive attempts in the same phase form a band from the first one's arrival to the next band's start: the
     * phase stays in force until then (the last one to the end of the axis).
     */
    private static void phaseBands(StringBuilder svg, List<Attempt> attempts, TimeAxis axis) {
        double bottom = TOP + attempts.size() * ROW;
        int band = 0;
        int start = 0;
        while (start < attempts.size()) {
            String phase = attempts.get(start).exchange().phase();
            int end = start;
            while (end + 1 < attempts.size() && Objects.equals(attempts.get(end + 1).exchange().phase(), phase)) {
                end++;
            }
            if (phase != null) {
                double from = axis.x(ms(attempts.get(start).offset().toNanos()));
                double to = end + 1 < attempts.size() ? axis.x(ms(attempts.get(end + 1).offset().toNanos())) : axis.right();
                svg.append("<rect x=\"").append(px(from)).append("\" y=\"4\" width=\"").append(px(to - from))
                        .append("\" height=\"").append(px(bottom - 4)).append("\" fill=\"").append(BAND_FILLS[band % 2])
                        .append("\"><title>phase ").append(Html.escape(phase)).append("</title></rect>\n");
                svg.append("<line x1=\"").append(px(from)).append("\" y1=\"4\" x2=\"").append(px(from)).append("\" y2=\"")
                        .append(px(bottom)).append("\" class=\"band-edge\"/>\n");
                // Nothing follows the last band, so its name may run on into the label room.
                String label = fit(phase, (end + 1 < attempts.size() ? to : WIDTH - RIGHT) - from - 8);
                if (!label.isEmpty()) {
                    svg.append("<text x=\"").append(px(from + 4)).append("\" y=\"18\" class=\"phase\">")
                            .append(Html.escape(label)).append("</text>\n");
                }
                band++;
            }
            start = end + 1;
        }
    }

    private static void grid(StringBuilder svg, TimeAxis axis, int rows) {
        double axisY = TOP + rows * ROW + 4;
        for (double tick : axis.ticks()) {
            double x = axis.x(tick);
            svg.append("<line x1=\"").append(px(x)).append("\" y1=\"").append(TOP).append("\" x2=\"").append(px(x))
                    .append("\" y2=\"").append(px(axisY)).append("\" class=\"grid\"/>\n");
            svg.append("<line x1=\"").append(px(x)).append("\" y1=\"").append(px(axisY)).append("\" x2=\"").append(px(x))
                    .append("\" y2=\"").append(px(axisY + 5)).append("\" class=\"axis\"/>\n");
            svg.append("<text x=\"").append(px(x)).append("\" y=\"").append(px(axisY + 18))
                    .append("\" text-anchor=\"middle\" class=\"tick\">").append(axis.label(tick)).append("</text>\n");
        }
        svg.append("<line x1=\"").append(px(axis.left())).append("\" y1=\"").append(px(axisY)).append("\" x2=\"")
                .append(px(axis.right())).append("\" y2=\"").append(px(axisY)).append("\" class=\"axis\"/>\n");
        svg.append("<text x=\"").append(LEFT - 12).append("\" y=\"").append(px(axisY + 18))
                .append("\" text-anchor=\"end\" class=\"tick\">since #1 arrived</text>\n");
    }

    private static void row(StringBuilder svg, TimeAxis axis, List<Attempt> attempts, int index, List<String> marks,
                            GuidanceCatalog catalog) {
        Attempt attempt = attempts.get(index);
        double mid = TOP + index * ROW + 24;
        double barX = axis.x(ms(attempt.offset().toNanos()));
        double barWidth = Math.max(MIN_BAR, axis.span(ms(attempt.exchange().duration().toNanos())));

        svg.append("<text x=\"").append(LEFT - 12).append("\" y=\"").append(px(mid + 4)).append("\" text-anchor=\"end\" class=\"")
                .append(marks.isEmpty() ? "number" : "number flagged").append("\">#").append(attempt.number()).append("</text>\n");
        for (int m = 0; m < Math.min(2, marks.size()); m++) {
            svg.append("<text x=\"").append(LEFT - 12).append("\" y=\"").append(px(mid + 16 + 11 * m))
                    .append("\" text-anchor=\"end\" class=\"mark\">").append(Html.escape(marks.get(m))).append("</text>\n");
        }
        if (index > 0) {
            Attempt previous = attempts.get(index - 1);
            double from = axis.x(ms(previous.end().toNanos()));
            wait(svg, attempt, from, barX, mid);
            if (previous.askedWait() != null) {
                double to = from + Math.max(1, axis.span(ms(previous.askedWait().toNanos())));
                bracket(svg, from, to, mid + 13, "asked");
                label(svg, "asked " + previous.askedWait().toMillis() + " ms", from, to, mid + 26, axis, "asked");
            }
        }
        svg.append("<rect x=\"").append(px(barX)).append("\" y=\"").append(px(mid - BAR / 2.0)).append("\" width=\"")
                .append(px(barWidth)).append("\" height=\"").append(BAR).append("\" rx=\"2\" fill=\"")
                .append(OutcomeColour.of(attempt, catalog).fill()).append('"').append(marks.isEmpty() ? "" : " class=\"flagged\"")
                .append("><title>").append(Html.escape(attempt.describe())).append("</title></rect>\n");
        barLabel(svg, attempt, barX, barWidth, mid);
    }

    /** The wait from the previous answer's end to this arrival, as a dashed bracket with "waited N ms" above it. */
    private static void wait(StringBuilder svg, Attempt attempt, double from, double to, double mid) {
        if (attempt.gap() == null || attempt.gap().isNegative() || attempt.gap().isZero()) {
            String text = attempt.gap() == null ? "" : "no wait";
            if (!text.isEmpty()) {
                svg.append("<text x=\"").append(px(to - 3)).append("\" y=\"").append(px(mid - 12))
                        .append("\" text-anchor=\"end\" class=\"waited\">").append(text).append("</text>\n");
            }
            return;
        }
        bracket(svg, from, Math.max(to, from + 1), mid, "waited");
        String text = "waited " + attempt.gap().toMillis() + " ms";
        double width = text.length() * CHAR;
        if (to - from >= width + 4) {
            svg.append("<text x=\"").append(px((from + to) / 2)).append("\" y=\"").append(px(mid - 12))
                    .append("\" text-anchor=\"middle\" class=\"waited\">").append(text).append("</text>\n");
        } else if (to - width >= LEFT) {
            svg.append("<text x=\"").append(px(to)).append("\" y=\"").append(px(mid - 12))
                    .append("\" text-anchor=\"end\" class=\"waited\">").append(text).append("</text>\n");
        } else {
            svg.append("<text x=\"").append(px(from)).append("\" y=\"").append(px(mid - 12))
                    .append("\" class=\"waited\">").append(text).append("</text>\n");
        }
    }

    /** A horizontal line with end ticks: |------|. */
    private static void bracket(StringBuilder svg, double from, double to, double y, String kind) {
        svg.append("<path d=\"M").append(px(from)).append(' ').append(px(y - 4)).append(" V").append(px(y + 4))
                .append(" M").append(px(from)).append(' ').append(px(y)).append(" H").append(px(to))
                .append(" M").append(px(to)).append(' ').append(px(y - 4)).append(" V").append(px(y + 4))
                .append("\" class=\"").append(kind).append("\"/>\n");
    }

    /** A label centred under (or, when it is wider, starting at) the span from..to, kept inside the picture. */
    private static void label(StringBuilder svg, String text, double from, double to, double y, TimeAxis axis, String kind) {
        double width = text.length() * CHAR;
        double x;
        String anchor;
        if (to - from >= width + 4) {
            x = (from + to) / 2;
            anchor = "middle";
        } else if (from + width <= WIDTH - RIGHT) {
            x = from;
            anchor = "start";
        } else {
            x = Math.max(axis.left(), to);
            anchor = "end";
        }
        svg.append("<text x=\"").append(px(x)).append("\" y=\"").append(px(y)).append("\" text-anchor=\"").append(anchor)
                .append("\" class=\"").append(kind).append("\">").append(Html.escape(text)).append("</text>\n");
    }

    /** "502 cloudflare/502-branded" right of the bar; inside it or left of it when the right side is too short. */
    private static void barLabel(StringBuilder svg, Attempt attempt, double barX, double barWidth, double mid) {
        String text = barText(attempt);
        double room = WIDTH - RIGHT - (barX + barWidth + 6);
        double y = mid + 4;
        if (text.length() * CHAR <= room) {
            svg.append("<text x=\"").append(px(barX + barWidth + 6)).append("\" y=\"").append(px(y)).append("\" class=\"bar\">");
        } else if (text.length() * CHAR + 8 <= barWidth) {
            svg.append("<text x=\"").append(px(barX + 4)).append("\" y=\"").append(px(y)).append("\" class=\"bar inside\">");
        } else if (barX - 6 - text.length() * CHAR >= 0) {
            svg.append("<text x=\"").append(px(barX - 6)).append("\" y=\"").append(px(y)).append("\" text-anchor=\"end\" class=\"bar\">");
        } else {
            text = fit(text, room);
            svg.append("<text x=\"").append(px(barX + barWidth + 6)).append("\" y=\"").append(px(y)).append("\" class=\"bar\">");
        }
        svg.append(Html.escape(text)).append("</text>\n");
    }

    /** The fault label already starts with the status it served ("502 cloudflare/502-branded"); answers get theirs. */
    static String barText(Attempt attempt) {
        String status = attempt.status() == 0 ? "no status" : String.valueOf(attempt.status());
        if (!FailureRule.failed(attempt)) {
            return status + (attempt.exchange().streamed() ? " answered (stream)" : " answered");
        }
        String fault = attempt.exchange().fault();
        return fault.startsWith(status + " ") ? fault : status + " " + fault;
    }

    /**
     * Finding codes per attempt number. A finding names the attempt it is about first in its message ("attempt 2
     * came 5 ms after ..."); findings about the whole action (too many attempts, guidance) name none and get no mark.
     */
    static Map<Integer, List<String>> findingMarks(List<Finding> findings) {
        Map<Integer, List<String>> marks = new LinkedHashMap<>();
        for (Finding finding : findings) {
            Matcher m = ATTEMPT.matcher(finding.message());
            if (m.find()) {
                List<String> codes = marks.computeIfAbsent(Integer.parseInt(m.group(1)), n -> new ArrayList<>());
                if (!codes.contains(finding.code().name())) {
                    codes.add(finding.code().name());
                }
            }
        }
        return marks;
    }

    /** The text cut with an ellipsis to about {@code width} pixels; empty when not even a few letters fit. */
    private static String fit(String text, double width) {
        int chars = (int) (width / CHAR);
        if (text.length() <= chars) {
            return text;
        }
        return chars < 4 ? "" : text.substring(0, chars - 1) + "…";
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String px(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
