package dev.chaosgate.link.backend;

import eu.rekawek.toxiproxy.ToxiproxyClient;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.Testcontainers;
import org.testcontainers.toxiproxy.ToxiproxyContainer;
import org.testcontainers.utility.DockerImageName;

import java.util.Locale;

/**
 * Links in a real Toxiproxy 2.12 container, started with Testcontainers, to check that a scenario
 * behaves the same against Shopify's server. Testcontainers is an optional dependency: call
 * {@link #isAvailable()} (or {@link #unavailableReason()}) before {@link #start()}; neither touches a
 * Testcontainers class unless it is on the class path.
 *
 * <p>Proxies listen on {@code 0.0.0.0} on one of the ports the container exposes (8666 to 8697) and
 * are dialled at the mapped port; upstreams on this machine's loopback are reached through
 * {@code host.testcontainers.internal}, each port exposed to the container on first use.
 */
public final class ContainerToxiproxyBackend implements LinkBackend {
    public static final String IMAGE = "ghcr.io/shopify/toxiproxy:2.12.0";
    /** The proxy ports {@code ToxiproxyContainer} exposes. */
    public static final int FIRST_PROXY_PORT = 8666;
    public static final int LAST_PROXY_PORT = 8697;
    private static final String CONTAINER_CLASS = "org.testcontainers.toxiproxy.ToxiproxyContainer";
    private static final String HOST_ALIAS = "host.testcontainers.internal";

    private final ToxiproxyContainer container;
    private final ToxiproxyClient client;
    private int nextPort = FIRST_PROXY_PORT;

    private ContainerToxiproxyBackend(ToxiproxyContainer container) {
        this.container = container;
        this.client = new ToxiproxyClient(container.getHost(), container.getControlPort());
    }

    /** True when Testcontainers' Toxiproxy module is on the class path and a Docker engine answers. */
    public static boolean isAvailable() {
        return unavailableReason() == null;
    }

    /** Why the container backend cannot run here, or null when it can. */
    public static String unavailableReason() {
        try {
            Class.forName(CONTAINER_CLASS, false, ContainerToxiproxyBackend.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return "org.testcontainers:testcontainers-toxiproxy is not on the class path (chaosgate declares it "
                    + "'provided'): add it to your test dependencies";
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable()
                    ? null
                    : "no Docker engine answers (Testcontainers found none); use -Dchaosgate.link=embedded";
        } catch (RuntimeException | LinkageError e) {
            return "Testcontainers cannot check for Docker: " + e;
        }
    }

    /**
     * Starts a {@value #IMAGE} container and waits until its API answers.
     *
     * @throws IllegalStateException when Testcontainers or Docker is missing, or the container fails to start
     */
    public static ContainerToxiproxyBackend start() {
        String reason = unavailableReason();
        if (reason != null) {
            throw new IllegalStateException("cannot start a Toxiproxy container: " + reason);
        }
        ToxiproxyContainer container = new ToxiproxyContainer(DockerImageName.parse(IMAGE));
        container.withAccessToHost(true);
        try {
            container.start();
        } catch (RuntimeException e) {
            container.stop();
            throw new IllegalStateException("the Toxiproxy container (" + IMAGE + ") did not start: " + e.getMessage(), e);
        }
        return new ContainerToxiproxyBackend(container);
    }

    @Override
    public ToxiproxyClient client() {
        return client;
    }

    @Override
    public String apiUrl() {
        return "http://" + LinkBackend.hostPort(container.getHost(), container.getControlPort());
    }

    /** {@code 0.0.0.0:port}; port 0 takes the next exposed port not handed out yet. */
    @Override
    public synchronized String listenAddress(int port) {
        int chosen = port;
        if (port == 0) {
            if (nextPort > LAST_PROXY_PORT) {
                throw new IllegalStateException("the Toxiproxy container exposes only ports " + FIRST_PROXY_PORT
                        + ".." + LAST_PROXY_PORT + ", and all " + (LAST_PROXY_PORT - FIRST_PROXY_PORT + 1)
                        + " are handed out");
            }
            chosen = nextPort++;
        } else if (port < FIRST_PROXY_PORT || port > LAST_PROXY_PORT) {
            throw new IllegalArgumentException("port " + port + " is not exposed by the Toxiproxy container: use 0 or one of "
                    + FIRST_PROXY_PORT + ".." + LAST_PROXY_PORT);
        }
        return "0.0.0.0:" + chosen;
    }

    @Override
    public String reachableHost() {
        return container.getHost();
    }

    @Override
    public int reachablePort(int proxyPort) {
        return container.getMappedPort(proxyPort);
    }

    /** A loopback upstream is exposed to the container and reached as {@value #HOST_ALIAS}; others as written. */
    @Override
    public String upstreamAddress(String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]")) {
            Testcontainers.exposeHostPorts(port);
            return HOST_ALIAS + ":" + port;
        }
        return LinkBackend.hostPort(host, port);
    }

    @Override
    public void close() {
        container.stop();
    }

    @Override
    public String toString() {
        return "Toxiproxy container " + IMAGE + " at " + apiUrl();
    }
}
