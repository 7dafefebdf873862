package dev.chaosgate.verdict.clients;

import dev.chaosgate.cli.bundled.WellBehavedClient;

/** The bundled well-behaved client as a reference client: the row every flawed variant is compared with. */
public class WellBehavedReference extends WellBehavedClient implements ReferenceClient {
    public WellBehavedReference() {
        super();
    }

    public WellBehavedReference(Timeouts timeouts) {
        super(timeouts);
    }
}
