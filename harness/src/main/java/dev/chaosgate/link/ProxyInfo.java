package dev.chaosgate.link;

import java.util.List;

/**
 * A snapshot of one proxy as the Toxiproxy API reports it.
 *
 * @param listen the bound address once the proxy has started, else the address as configured
 * @param toxics upstream toxics first, then downstream, each in the order they were added
 */
public record ProxyInfo(String name, String listen, String upstream, boolean enabled, List<ToxicDefinition> toxics) {

    public ProxyInfo {
        toxics = List.copyOf(toxics);
    }

    /** The port the proxy listens on, parsed from {@link #listen()}; -1 when it has none yet. */
    public int listenPort() {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            return -1;
        }
        try {
            return Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
