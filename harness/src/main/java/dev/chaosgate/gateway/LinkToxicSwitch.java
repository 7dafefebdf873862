package dev.chaosgate.gateway;

import dev.chaosgate.link.LinkEngine;
import dev.chaosgate.link.ToxicDefinition;
import dev.chaosgate.scenario.LinkToxic;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Puts a phase's toxics on the gateway's link proxy, in the order phases change, on a thread of its
 * own: a phase changes on the upstream's request thread, which must not wait for the link.
 */
final class LinkToxicSwitch implements AutoCloseable {
    private final LinkEngine engine;
    private final String proxy;
    /** While faults are paused a phase's toxics wait for the resume, which applies them. */
    private final BooleanSupplier faultsPaused;
    private final ExecutorService changes = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "chaosgate-phases");
        thread.setDaemon(true);
        return thread;
    });

    LinkToxicSwitch(LinkEngine engine, String proxy, BooleanSupplier faultsPaused) {
        this.engine = engine;
        this.proxy = proxy;
        this.faultsPaused = faultsPaused;
    }

    /** A new phase's toxics, unless faults are paused. */
    void phase(List<LinkToxic> toxics) {
        changes.execute(() -> {
            if (!faultsPaused.getAsBoolean()) {
                replace(toxics);
            }
        });
    }

    /** These toxics whatever the pause (none, to pause; the phase's own, to resume). */
    void set(List<LinkToxic> toxics) {
        changes.execute(() -> replace(toxics));
    }

    /** Waits until the toxics queued so far are in place (so a test's first request meets its first phase). */
    void await() {
        try {
            changes.submit(() -> { }).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("link toxics of the first phase could not be applied: " + e.getMessage(), e);
        }
    }

    private void replace(List<LinkToxic> toxics) {
        for (ToxicDefinition existing : engine.toxics(proxy)) {
            engine.removeToxic(proxy, existing.name());
        }
        for (LinkToxic toxic : toxics) {
            engine.addToxic(proxy, toxic.name(), toxic.type(), toxic.stream(), toxic.toxicity(), toxic.attributes());
        }
    }

    @Override
    public void close() {
        changes.shutdownNow();
    }
}
