package dev.chaosgate.link.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The API warm-up must really drive the API (a warm-up whose requests fail warms nothing and says
 * nothing): every call of its script gets the answer a Toxiproxy client would get.
 */
class ApiWarmUpTest {

    @Test
    void everyCallOfTheScriptIsAnsweredAsToxiproxyAnswersIt() {
        List<String> statuses = ApiWarmUp.answered(2, System.nanoTime() + TimeUnit.SECONDS.toNanos(30));

        List<String> oneRound = List.of(
                "HTTP/1.1 200 OK",          // GET /version
                "HTTP/1.1 201 Created",     // POST /proxies
                "HTTP/1.1 200 OK",          // POST .../toxics
                "HTTP/1.1 200 OK",          // POST .../toxics/lat (update)
                "HTTP/1.1 200 OK",          // GET .../toxics
                "HTTP/1.1 200 OK",          // GET /proxies
                "HTTP/1.1 204 No Content",  // DELETE .../toxics/lat
                "HTTP/1.1 200 OK",          // POST /proxies/p {"enabled":false}
                "HTTP/1.1 200 OK",          // GET /metrics
                "HTTP/1.1 204 No Content",  // DELETE /proxies/p
                "HTTP/1.1 404 Not Found",   // GET /proxies/p after deletion
                "HTTP/1.1 400 Bad Request", // POST /proxies with cut-off JSON
                "HTTP/1.1 204 No Content"); // POST /reset
        assertThat(statuses).as("status lines of two rounds of the warm-up's calls").hasSize(2 * oneRound.size());
        assertThat(statuses.subList(0, oneRound.size())).as("first round").isEqualTo(oneRound);
        assertThat(statuses.subList(oneRound.size(), statuses.size())).as("second round").isEqualTo(oneRound);
    }
}
