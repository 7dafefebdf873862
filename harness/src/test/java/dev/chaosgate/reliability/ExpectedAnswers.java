package dev.chaosgate.reliability;

import dev.chaosgate.fixtures.ChatFixtures;
import dev.chaosgate.fixtures.FixtureValues;
import dev.chaosgate.fixtures.Fixtures;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * What each soak request should get back, as checksums.
 *
 * <p>Error pages have fixed bodies: their CRC32 is taken from the fixtures module. A model's answer
 * carries a completion id and a {@code created} time that change with every response and the
 * request's {@code model} echoed back; everything else depends only on the prompt. So the soak
 * sends a few fixed prompts, learns each one's answer (plain and streamed) once from the upstream
 * directly, bypassing the link, and compares every later answer with it after masking those three
 * values: the id and time must be present, and the model must be the request's own soak id, which
 * ties the answer to its request. A broken-off stream must be a prefix, whole events only, of the
 * events that were due.
 */
final class ExpectedAnswers {
    static final int PROMPTS = 16;
    private static final String CALIBRATION_MODEL = "soak-calibration";
    /** The per-response values of an answer, masked before comparing. */
    private static final Pattern VARYING = Pattern.compile("\"(id|model)\":\"([^\"]*)\"|\"created\":(\\d+)");
    private static final byte[] EVENT_END = {'\n', '\n'};

    /** An error page: its status and the CRC32 of its fixed body. */
    record Page(int status, long crc, int length) {
    }

    /** One prompt's answer, masked. */
    private record Answer(byte[] plain, long plainCrc, byte[] stream, long streamCrc, int[] eventEnds) {
    }

    private final Answer[] answers = new Answer[PROMPTS];
    private final Map<SoakMix.Fault, Page> pages = new EnumMap<>(SoakMix.Fault.class);
    private final byte[] streamError = ChatFixtures.streamError().encode().getBytes(StandardCharsets.UTF_8);

    private ExpectedAnswers() {
        pages.put(SoakMix.Fault.BAD_GATEWAY, page("nginx/502", 502));
        pages.put(SoakMix.Fault.OVERLOADED, page("openai/503-overloaded", 503));
        pages.put(SoakMix.Fault.SLOW_DOWN, page("openai/429-slow-down", 429));
    }

    static String prompt(int index) {
        return "soak prompt " + index;
    }

    /** The JSON body of a chat completion request. */
    static String requestBody(String model, int prompt, boolean stream) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt(prompt) + "\"}]"
                + (stream ? ",\"stream\":true" : "") + "}";
    }

    /**
     * Learns every prompt's answer from the upstream at {@code upstreamPort}, which must be answering
     * normally; asks each twice and fails when the two differ after masking (then the masking misses
     * a value that changes per response, and no checksum could hold).
     */
    static ExpectedAnswers learn(int upstreamPort) throws IOException {
        ExpectedAnswers expected = new ExpectedAnswers();
        try (SoakConnection connection = new SoakConnection(upstreamPort, 10_000)) {
            for (int prompt = 0; prompt < PROMPTS; prompt++) {
                byte[] plain = expected.learnOne(connection, upstreamPort, prompt, false);
                byte[] stream = expected.learnOne(connection, upstreamPort, prompt, true);
                List<Integer> ends = new ArrayList<>();
                for (int at = indexOf(stream, EVENT_END, 0); at >= 0; at = indexOf(stream, EVENT_END, at + 2)) {
                    ends.add(at + 2);
                }
                if (ends.isEmpty() || ends.get(ends.size() - 1) != stream.length) {
                    throw new IllegalStateException("the stream for '" + prompt(prompt) + "' does not end with a whole event");
                }
                expected.answers[prompt] = new Answer(plain, crc(plain, plain.length), stream, crc(stream, stream.length),
                        ends.stream().mapToInt(Integer::intValue).toArray());
            }
        }
        return expected;
    }

    private byte[] learnOne(SoakConnection connection, int port, int prompt, boolean stream) {
        byte[] first = null;
        for (int round = 0; round < 2; round++) {
            SoakConnection.Answer answer = connection.exchange(SoakConnection.post(port, "/v1/chat/completions",
                    "calibration", requestBody(CALIBRATION_MODEL, prompt, stream)));
            if (!answer.complete() || answer.status() != 200) {
                throw new IllegalStateException("learning the answer to '" + prompt(prompt) + "' (stream " + stream
                        + "): expected a whole 200, got " + answer.status() + " " + answer.ending() + " " + answer.detail());
            }
            byte[] masked = mask(answer.body(), CALIBRATION_MODEL);
            if (masked == null) {
                throw new IllegalStateException("the answer to '" + prompt(prompt) + "' does not echo the model "
                        + CALIBRATION_MODEL + ": " + new String(answer.body(), StandardCharsets.UTF_8));
            }
            if (first == null) {
                first = masked;
            } else if (!Arrays.equals(first, masked)) {
                throw new IllegalStateException("two answers to '" + prompt(prompt) + "' (stream " + stream
                        + ") differ in more than id, created and model; cannot checksum them:\n"
                        + new String(first, StandardCharsets.UTF_8) + "\n" + new String(masked, StandardCharsets.UTF_8));
            }
        }
        return first;
    }

    /** The error page {@code fault} answers with, or null when it answers with no page. */
    Page page(SoakMix.Fault fault) {
        return pages.get(fault);
    }

    /** CRC32 of the masked plain answer to {@code prompt}. */
    long plainCrc(int prompt) {
        return answers[prompt].plainCrc;
    }

    /** CRC32 of the masked whole stream for {@code prompt}, up to {@code data: [DONE]}. */
    long streamCrc(int prompt) {
        return answers[prompt].streamCrc;
    }

    /**
     * Events of {@code prompt}'s stream a stream fault after {@code events} events lets through:
     * at most all but the last, as the upstream caps it.
     */
    int eventsKept(int prompt, int events) {
        return Math.min(events, answers[prompt].eventEnds.length - 1);
    }

    /** CRC32 of the first {@code events} masked events of {@code prompt}'s stream. */
    long streamPrefixCrc(int prompt, int events) {
        Answer answer = answers[prompt];
        return crc(answer.stream, events == 0 ? 0 : answer.eventEnds[events - 1]);
    }

    /** CRC32 of the first {@code events} masked events followed by the stream error frame. */
    long streamErrorCrc(int prompt, int events) {
        Answer answer = answers[prompt];
        CRC32 crc = new CRC32();
        crc.update(answer.stream, 0, events == 0 ? 0 : answer.eventEnds[events - 1]);
        crc.update(streamError);
        return crc.getValue();
    }

    /**
     * Whether {@code masked} holds, as whole events, at most the first {@code events} events of
     * {@code prompt}'s stream; bytes after the last whole event (an event broken off) are not judged.
     */
    boolean isStreamPrefix(int prompt, int events, byte[] masked) {
        Answer answer = answers[prompt];
        int whole = lastEventEnd(masked);
        int allowed = events == 0 ? 0 : answer.eventEnds[events - 1];
        return whole <= allowed && Arrays.equals(masked, 0, whole, answer.stream, 0, whole)
                && (whole == 0 || Arrays.binarySearch(answer.eventEnds, whole) >= 0);
    }

    /** The end of the last whole event in {@code body}, 0 when there is none. */
    static int lastEventEnd(byte[] body) {
        for (int i = body.length - 2; i >= 0; i--) {
            if (body[i] == '\n' && body[i + 1] == '\n') {
                return i + 2;
            }
        }
        return 0;
    }

    /**
     * {@code body} with every completion id and {@code created} time replaced by a fixed value and
     * every {@code model} replaced once checked; null when a model is not {@code model} (the answer
     * belongs to another request).
     */
    static byte[] mask(byte[] body, String model) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        Matcher matcher = VARYING.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int from = 0;
        while (matcher.find()) {
            out.append(text, from, matcher.start());
            if (matcher.group(3) != null) {
                out.append("\"created\":0");
            } else if (matcher.group(1).equals("model")) {
                if (!matcher.group(2).equals(model)) {
                    return null;
                }
                out.append("\"model\":\"*\"");
            } else {
                out.append("\"id\":\"*\"");
            }
            from = matcher.end();
        }
        out.append(text, from, text.length());
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    static long crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }

    /** A fixture's page, checked to be the same whatever the values (a body with a Ray ID could not be checksummed). */
    private static Page page(String fixture, int status) {
        byte[] one = Fixtures.load(fixture).render(FixtureValues.random(1)).body();
        byte[] other = Fixtures.load(fixture).render(FixtureValues.random(2)).body();
        if (!Arrays.equals(one, other)) {
            throw new IllegalStateException("fixture " + fixture + " renders a different body per response; pick a fixed one");
        }
        return new Page(status, crc(one, one.length), one.length);
    }

    private static int indexOf(byte[] data, byte[] needle, int from) {
        outer:
        for (int i = from; i <= data.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
