package dev.chaosgate.load.clientapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin API of a chaosgate console ({@code chaosgate serve}, see docs/console.md), for the
 * steps a load run takes outside Gatling: checking the plan's scenarios exist and setting the
 * first phase before the users arrive. The later phase switches are Gatling requests.
 */
public final class ConsoleApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String api;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** {@code console}: the console's URL as printed by {@code serve} ({@code http://127.0.0.1:8788/__chaosgate/}), or just its origin. */
    public ConsoleApi(String console) {
        String origin = console.trim().replaceFirst("/+$", "").replaceFirst("/api$", "").replaceFirst("/__chaosgate$", "");
        this.api = origin + "/__chaosgate/api";
    }

    /** {@code http://HOST:PORT/__chaosgate/api}. */
    public String url() {
        return api;
    }

    public JsonNode state() {
        return send(HttpRequest.newBuilder(URI.create(api + "/state")).GET());
    }

    /** The log sequence of the newest request the upstream answered (0 before the first). */
    public long lastLogSequence() {
        return send(HttpRequest.newBuilder(URI.create(api + "/log?after=" + Long.MAX_VALUE)).GET()).path("last").asLong();
    }

    /**
     * Fails, naming the known ones, when a phase of {@code plan} is neither {@value PhasePlan#HEALTHY}
     * nor a scenario of the console's catalog.
     */
    public void checkKnows(PhasePlan plan) {
        List<String> known = new ArrayList<>();
        state().path("scenarios").forEach(name -> known.add(name.asText()));
        for (PhasePlan.Step step : plan.steps()) {
            if (!step.healthy() && !known.contains(step.name())) {
                throw new IllegalArgumentException("phase '" + step.name() + "' is neither '" + PhasePlan.HEALTHY
                        + "' nor a scenario the console at " + api + " knows: " + String.join(", ", known));
            }
        }
    }

    /** Puts {@code step} in force: faults paused for a healthy phase, else its scenario from the start, faults on. */
    public void play(PhasePlan.Step step) {
        if (step.healthy()) {
            post("/pause", "{}");
        } else {
            post("/scenario", JSON.createObjectNode().put("name", step.name()).toString());
            post("/resume", "{}");
        }
    }

    private void post(String path, String body) {
        send(HttpRequest.newBuilder(URI.create(api + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private JsonNode send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> answer = http.send(request.timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(answer.body());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("the console at " + api + " answered " + answer.statusCode() + ": "
                        + body.path("error").asText(answer.body()));
            }
            return body;
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach the console at " + api + " (" + e.getMessage()
                    + "); start one with `./chaosgate serve` or leave -Dchaosgate.console.url out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the console at " + api, e);
        }
    }
}
