package dev.chaosgate.verdict;

import dev.chaosgate.gateway.ChaosGateway;
import dev.chaosgate.scenario.Scenario;
import dev.chaosgate.scenario.ScenarioCatalog;
import dev.chaosgate.upstream.StreamPacing;
import dev.chaosgate.upstream.UpstreamFault;
import dev.chaosgate.verdict.clients.ReferenceClient;
import dev.chaosgate.verdict.clients.ReferenceClients;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The detection matrix: every reference client (the well-behaved one and one per realistic bug)
 * against scenarios that expose each bug; each cell must hold exactly the expected findings, no
 * more and no fewer. The matrix is printed to the build log.
 *
 * <p>The default run takes eight scenarios that between them expose every bug. With
 * {@code -Dchaosgate.matrix=full} every catalog scenario runs (black holes and stalls wait for the
 * clients' timeouts), every cell checked against the same table.
 *
 * <p>Cells play {@code chaosgate.matrix.parallel} (default 2) at a time, each on a gateway of its own:
 * they mostly wait on the clients' backoffs. A cell that must find {@code NO_BACKOFF} runs alone, after
 * the others, because its verdict turns on a retry sent at once, and another cell's work on the same two
 * cores can delay that retry past what the rule counts as immediate. Every other finding holds when the
 * machine is busy: a busy machine only lengthens a client's waits, and no rule here fires on a long one.
 */
class DetectionMatrixTest {
    private static final String PROMPT = "Plan a three-day trip to Lisbon";
    private static final List<String> PINNED = List.of("bad-gateway-burst", "connection-reset", "full-outage",
            "service-unavailable-maintenance", "access-denied-1020", "quota-exhausted", "should-retry-false",
            "stream-cut-mid-answer");
    private static final boolean FULL = "full".equals(System.getProperty("chaosgate.matrix"));
    private static final List<String> SCENARIOS = FULL ? ScenarioCatalog.builtIn().names() : PINNED;
    private static final int PARALLEL = Integer.getInteger("chaosgate.matrix.parallel", 2);

    /**
     * The expected matrix, one line per scenario: the clients that must get findings there, with their
     * codes (abbreviated as in the printed matrix, joined by {@code +}); every client not named must
     * PASS. overloaded-under-concurrency and rate-limit-window need several requests at once or in a
     * row, which one user action never sends, so every client gets FAULT_NOT_EXERCISED there: the
     * verdict refuses to call a scenario that never bit a pass. The no-backoff client is caught only where it
     * waits twice or more (or after a Retry-After it does not honour): one wait alone is never NO_BACKOFF, since
     * full jitter may draw 0 ms. On retry-after-huge the no-retry client gives up at once with guidance to
     * wait, one of the scenario's two good behaviours.
     */
    private static final String EXPECTED_TABLE = """
            bad-gateway-single                | no-retry=NR rewrites-prompt=PC
            bad-gateway-burst                 | no-retry=NR no-backoff=NB rewrites-prompt=PC
            bad-gateway-cloudflare-html       | no-retry=NR rewrites-prompt=PC
            bad-gateway-edge-json             | no-retry=NR rewrites-prompt=PC
            bad-gateway-nginx                 | no-retry=NR rewrites-prompt=PC
            bad-gateway-cloudflare-unbranded  | no-retry=NR rewrites-prompt=PC
            cloudflare-520-unknown-error      | no-retry=NR rewrites-prompt=PC
            cloudflare-521-origin-down        | no-retry=NR no-backoff=NB rewrites-prompt=PC
            cloudflare-522-connection-timed-out| no-retry=NR rewrites-prompt=PC
            server-error-retry                | no-retry=NR rewrites-prompt=PC
            overloaded-529                    | no-retry=NR rewrites-prompt=PC
            service-unavailable-maintenance   | no-retry=NR ignores-retry-after=RAI rewrites-prompt=PC
            overloaded-under-concurrency      | well-behaved=FNE no-retry=FNE retries-everything=FNE ignores-retry-after=FNE no-backoff=FNE retry-storm=FNE rewrites-prompt=FNE clears-draft=FNE raw-error=FNE generic-message=FNE truncation-blind=FNE
            gateway-timeout-504               | no-retry=NR rewrites-prompt=PC
            origin-timeout-524                | no-retry=NR rewrites-prompt=PC
            rate-limit-window                 | well-behaved=FNE no-retry=FNE retries-everything=FNE ignores-retry-after=FNE no-backoff=FNE retry-storm=FNE rewrites-prompt=FNE clears-draft=FNE raw-error=FNE generic-message=FNE truncation-blind=FNE
            rate-limited-tokens               | no-retry=NR ignores-retry-after=RAI rewrites-prompt=PC
            cloudflare-1015-rate-limited      | no-retry=NR ignores-retry-after=RAI rewrites-prompt=PC
            quota-exhausted                   | retries-everything=RNR+TMA clears-draft=PL raw-error=RAW generic-message=NG
            request-too-large                 | retries-everything=RNR+TMA clears-draft=PL raw-error=RAW generic-message=NG
            access-denied-1020                | retries-everything=RNR+TMA clears-draft=PL raw-error=RAW generic-message=NG
            unsupported-region                | retries-everything=RNR+TMA clears-draft=PL raw-error=RAW generic-message=NG
            invalid-api-key                   | retries-everything=RNR+TMA clears-draft=PL raw-error=RAW generic-message=NG
            model-not-found                   | retries-everything=RNR+TMA clears-draft=PL raw-error=RAW generic-message=NG
            slow-first-byte                   |
            slow-trickle                      |
            origin-hangs-once                 | no-retry=NR rewrites-prompt=PC
            black-hole-timeout                | clears-draft=PL raw-error=RAW generic-message=NG
            connection-reset                  | no-retry=NR no-backoff=NB rewrites-prompt=PC
            stream-cut-mid-answer             | clears-draft=PL raw-error=RAW generic-message=TU truncation-blind=PL+TU
            stream-error-event                | clears-draft=PL raw-error=RAW generic-message=TU truncation-blind=PL+TU
            stream-reset-mid-answer           | clears-draft=PL raw-error=RAW generic-message=TU truncation-blind=PL+TU
            stream-stall                      | clears-draft=PL raw-error=RAW generic-message=TU truncation-blind=PL+TU
            brownout-30-percent               | no-retry=NR rewrites-prompt=PC
            gateway-flapping                  | no-retry=NR no-backoff=NB retry-storm=TMA rewrites-prompt=PC
            full-outage                       | no-backoff=NB retry-storm=TMA rewrites-prompt=PC clears-draft=PL raw-error=RAW
            retry-after-past                  | no-retry=NR rewrites-prompt=PC
            retry-after-huge                  | no-backoff=NB rewrites-prompt=PC
            retry-after-http-date             | no-retry=NR ignores-retry-after=RAI rewrites-prompt=PC
            retry-after-garbage               | no-retry=NR rewrites-prompt=PC
            should-retry-false                | retries-everything=RNR+TMA clears-draft=PL raw-error=RAW generic-message=WG
            """;

    /** client → scenario → findings; a missing cell means PASS. */
    private static final Map<String, Map<String, Set<FindingCode>>> EXPECTED = parse(EXPECTED_TABLE);

    private static Map<String, Map<String, Set<FindingCode>>> parse(String table) {
        Map<String, Map<String, Set<FindingCode>>> expected = new LinkedHashMap<>();
        for (String line : table.strip().split("\n")) {
            String[] parts = line.split("\\|", 2);
            String scenario = parts[0].strip();
            if (parts.length < 2 || parts[1].isBlank()) {
                continue;
            }
            for (String cell : parts[1].strip().split("\\s+")) {
                String[] clientCodes = cell.split("=");
                Set<FindingCode> codes = EnumSet.noneOf(FindingCode.class);
                for (String abbreviation : clientCodes[1].split("\\+")) {
                    codes.add(fromAbbreviation(abbreviation));
                }
                expected.computeIfAbsent(clientCodes[0], c -> new LinkedHashMap<>()).put(scenario, codes);
            }
        }
        return expected;
    }

    private static FindingCode fromAbbreviation(String abbreviation) {
        for (FindingCode code : FindingCode.values()) {
            if (abbreviation(code).equals(abbreviation)) {
                return code;
            }
        }
        throw new IllegalArgumentException("unknown finding abbreviation " + abbreviation);
    }

    @Test
    void everyClientGetsExactlyTheFindingsOfItsBug() throws Exception {
        Map<String, Map<String, Verdict>> actual = play(ReferenceClients.all());
        System.out.println(table(actual));
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, Map<String, Verdict>> row : actual.entrySet()) {
            Map<String, Set<FindingCode>> expectedRow = EXPECTED.getOrDefault(row.getKey(), Map.of());
            for (Map.Entry<String, Verdict> cell : row.getValue().entrySet()) {
                Set<FindingCode> expected = expectedRow.getOrDefault(cell.getKey(), Set.of());
                if (!cell.getValue().codes().equals(expected)) {
                    mismatches.add(row.getKey() + " x " + cell.getKey() + ": expected " + expected + ", got "
                            + cell.getValue().codes() + "\n" + cell.getValue().explain());
                }
            }
        }
        assertThat(mismatches).as("detection matrix cells that differ\n" + table(actual)).isEmpty();
    }

    /** Every cell, rows in client order and columns in scenario order, whatever order they were played in. */
    private static Map<String, Map<String, Verdict>> play(List<ReferenceClient> clients) throws Exception {
        Map<String, Future<Verdict>> played = new LinkedHashMap<>();
        List<Runnable> alone = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            for (ReferenceClient client : clients) {
                for (String name : SCENARIOS) {
                    FutureTask<Verdict> cell = new FutureTask<>(() -> run(client, ScenarioCatalog.builtIn().get(name)));
                    played.put(client.name() + " x " + name, cell);
                    if (EXPECTED.getOrDefault(client.name(), Map.of()).getOrDefault(name, Set.of()).contains(FindingCode.NO_BACKOFF)) {
                        alone.add(cell);
                    } else {
                        pool.execute(cell);
                    }
                }
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.MINUTES)).as("the matrix's cells ended within 30 minutes").isTrue();
        } finally {
            pool.shutdownNow();
        }
        alone.forEach(Runnable::run);
        Map<String, Map<String, Verdict>> actual = new LinkedHashMap<>();
        for (ReferenceClient client : clients) {
            Map<String, Verdict> row = new LinkedHashMap<>();
            for (String name : SCENARIOS) {
                row.put(name, played.get(client.name() + " x " + name).get());
            }
            actual.put(client.name(), row);
        }
        return actual;
    }

    private static Verdict run(ReferenceClient client, Scenario scenario) {
        boolean streamed = scenario.phases().stream().anyMatch(p -> p.upstream() instanceof UpstreamFault.StreamFault);
        try (ChaosGateway gateway = ChaosGateway.builder().pacing(StreamPacing.immediate()).scenario(scenario).start()) {
            ClientReport report = client.ask(gateway.baseUrl(), PROMPT, streamed);
            return gateway.verdict(report);
        }
    }

    private static String table(Map<String, Map<String, Verdict>> actual) {
        StringBuilder out = new StringBuilder("\nchaosgate detection matrix (rows: clients, columns: scenarios)\n");
        out.append(String.format("%-20s", ""));
        for (int i = 0; i < SCENARIOS.size(); i++) {
            out.append(String.format(" | %-2d", i + 1));
        }
        out.append('\n');
        for (Map.Entry<String, Map<String, Verdict>> row : actual.entrySet()) {
            out.append(String.format("%-20s", row.getKey()));
            for (Verdict verdict : row.getValue().values()) {
                out.append(" | ").append(verdict.passed() ? "ok" : verdict.codes().stream().map(DetectionMatrixTest::abbreviation)
                        .collect(Collectors.joining(",")));
            }
            out.append('\n');
        }
        for (int i = 0; i < SCENARIOS.size(); i++) {
            out.append("  ").append(i + 1).append(" = ").append(SCENARIOS.get(i)).append('\n');
        }
        return out.toString();
    }

    private static String abbreviation(FindingCode code) {
        return switch (code) {
            case NO_RETRY -> "NR";
            case RETRIED_NON_RETRYABLE -> "RNR";
            case RETRY_AFTER_IGNORED -> "RAI";
            case NO_BACKOFF -> "NB";
            case TOO_MANY_ATTEMPTS -> "TMA";
            case PROMPT_CHANGED -> "PC";
            case PROMPT_LOST -> "PL";
            case NO_GUIDANCE -> "NG";
            case WRONG_GUIDANCE -> "WG";
            case RAW_ERROR_SHOWN -> "RAW";
            case TRUNCATION_UNDETECTED -> "TU";
            case FAULT_NOT_EXERCISED -> "FNE";
            case SLOW_ANSWER_ABANDONED -> "SAA";
            case CLIENT_HUNG -> "HUNG";
            case USER_KEPT_WAITING -> "UKW";
            default -> code.name();
        };
    }
}
