package dev.chaosgate.scenario.syntax;

import dev.chaosgate.fixtures.yaml.YamlFields;
import dev.chaosgate.fixtures.yaml.YamlNode;
import dev.chaosgate.upstream.Faults;
import dev.chaosgate.upstream.RetryAfter;
import dev.chaosgate.upstream.UpstreamFault;

import java.time.Duration;
import java.util.Optional;

/**
 * {@code overload: {maxInFlight, retryAfter, serviceTime, queue, queueTimeout, shedCost}}: {@link UpstreamFault.Overload},
 * shedding with OpenAI's 503, free unless the cost keys say what each request costs.
 */
final class OverloadForm implements FaultForm {
    static final Key<Integer> MAX_IN_FLIGHT = Key.count("maxInFlight", 0, Integer.MAX_VALUE, null,
            "Requests answered at once; one more gets 503 server_is_overloaded.");
    static final Key<RetryAfter> RETRY_AFTER = Key.retryAfter("retryAfter", "Retry-After of the 503 (default 1).");
    static final Key<Duration> SERVICE_TIME = Key.duration("serviceTime", "How long an admitted request holds its slot before its"
            + " answer starts: the capacity is maxInFlight / serviceTime requests per second (default: answers at once).");
    static final Key<Integer> QUEUE = Key.count("queue", 0, Integer.MAX_VALUE,
            "How many requests may wait for a slot: 0 (the default) lets none wait",
            "Requests that may wait for a slot, first come first served; one more is shed at once (default 0: none wait)."
                    + " Needs queueTimeout.");
    static final Key<Duration> QUEUE_TIMEOUT = Key.duration("queueTimeout",
            "How long a queued request waits for a slot before it is shed. Only with queue.");
    static final Key<Duration> SHED_COST = Key.duration("shedCost", "Work each shed request leaves behind, in one slot's time;"
            + " the slots work it off together and admit no request until it is done, so a crowd retrying at once keeps the"
            + " overload going (default: shedding is free).");
    static final ObjectSyntax SETTINGS = ObjectSyntax.of(null, MAX_IN_FLIGHT, RETRY_AFTER, SERVICE_TIME, QUEUE, QUEUE_TIMEOUT, SHED_COST)
            .requiring("maxInFlight")
            .rule("dependentRequired", Json.obj("queue", Json.array("queueTimeout"), "queueTimeout", Json.array("queue")));
    static final Key<Fields> OVERLOAD = Key.of("overload", "Overload tied to concurrency, like an Envoy circuit breaker.", SETTINGS.schema(),
            (fields, entry) -> SETTINGS.of(fields.yaml().mapping(entry.key(), "`overload` of " + fields.where()).orElseThrow(), fields.where()));
    private static final ObjectSyntax SYNTAX = ObjectSyntax.of(null, OVERLOAD).requiring("overload");

    @Override
    public String kind() {
        return "overload";
    }

    @Override
    public ObjectSyntax syntax() {
        return SYNTAX;
    }

    @Override
    public UpstreamFault read(Fields fields) {
        Fields settings = fields.require(OVERLOAD);
        int max = settings.require(MAX_IN_FLIGHT);
        RetryAfter retryAfter = settings.get(RETRY_AFTER).orElse(RetryAfter.seconds(1));
        UpstreamFault.Overload free = new UpstreamFault.Overload(max, Faults.overloaded().withRetryAfter(retryAfter));
        String what = "`overload` of " + fields.where();
        Optional<YamlNode.Entry> queueEntry = settings.entry(QUEUE);
        Optional<YamlNode.Entry> timeoutEntry = settings.entry(QUEUE_TIMEOUT);
        int queue = settings.get(QUEUE).orElse(0);
        if (queue > 0 && timeoutEntry.isEmpty()) {
            throw YamlFields.problem(queueEntry.orElseThrow().keyLocation(), "queueTimeout", "`queue` of " + what
                    + " needs `queueTimeout`: how long a queued request waits for a slot before it is shed", "Add for example `queueTimeout: 1s`");
        }
        if (queue == 0 && timeoutEntry.isPresent()) {
            throw YamlFields.problem(timeoutEntry.orElseThrow().keyLocation(), "queueTimeout", "`queueTimeout` of " + what
                    + " without a queue", "Set `queue:` above 0 (how many requests may wait), or remove `queueTimeout`");
        }
        if (max == 0) {
            Optional<YamlNode.Entry> needsSlot = queue > 0 ? queueEntry : settings.entry(SHED_COST);
            if (needsSlot.isPresent()) {
                String key = needsSlot.orElseThrow().key();
                throw YamlFields.problem(needsSlot.orElseThrow().keyLocation(), key, "`" + key + "` of " + what
                        + " needs a slot, but `maxInFlight` is 0 (every request is shed)", "Set `maxInFlight:` to 1 or more, or remove `" + key + "`");
            }
        }
        return free.withServiceTime(settings.get(SERVICE_TIME).orElse(Duration.ZERO))
                .withQueue(queue, settings.get(QUEUE_TIMEOUT).orElse(Duration.ZERO))
                .withShedCost(settings.get(SHED_COST).orElse(Duration.ZERO));
    }
}
