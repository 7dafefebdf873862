package dev.chaosgate.link.backend;

import eu.rekawek.toxiproxy.ToxiproxyClient;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;

/**
 * Links in a server that is already running: a real Toxiproxy, or {@code chaosgate toxiproxy-server},
 * at a URL such as {@code http://127.0.0.1:8474}. Proxies listen on loopback when the server is on
 * this machine, on every interface otherwise, and are dialled at the URL's host. Closing leaves the
 * server and its proxies alone.
 */
public final class RemoteToxiproxyBackend implements LinkBackend {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final String apiUrl;
    private final String host;
    private final boolean loopback;
    private final ToxiproxyClient client;
    private final String version;

    private RemoteToxiproxyBackend(String apiUrl, String scheme, String host, int port, String version) {
        this.apiUrl = apiUrl;
        this.host = host;
        this.loopback = isLoopback(host);
        this.client = new ToxiproxyClient(scheme, host.indexOf(':') >= 0 ? "[" + host + "]" : host, port);
        this.version = version;
    }

    /**
     * Connects to the API at {@code url} and checks that {@code GET /version} answers.
     *
     * @throws IllegalArgumentException when the URL is not {@code http(s)://host[:port]}
     * @throws IllegalStateException    when nothing answers there, or not as Toxiproxy does
     */
    public static RemoteToxiproxyBackend connect(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a Toxiproxy API URL: '" + url + "' (" + e.getReason()
                    + "); write it like http://127.0.0.1:8474");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("not a Toxiproxy API URL: '" + url
                    + "'; write it like http://127.0.0.1:8474");
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        int port = uri.getPort() >= 0 ? uri.getPort() : 8474;
        String base = scheme + "://" + LinkBackend.hostPort(host, port);
        String version = checkVersion(base);
        return new RemoteToxiproxyBackend(base, scheme, host, port, version);
    }

    private static String checkVersion(String base) {
        String hint = "; start one (./chaosgate toxiproxy-server, or Shopify's toxiproxy-server) "
                + "or use -Dchaosgate.link=embedded";
        HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/version")).timeout(REQUEST_TIMEOUT).GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IllegalStateException("no Toxiproxy API at " + base + ": connection refused" + hint, e);
        } catch (HttpTimeoutException e) {
            throw new IllegalStateException("no Toxiproxy API at " + base + ": no answer within "
                    + REQUEST_TIMEOUT.toSeconds() + " s" + hint, e);
        } catch (IOException e) {
            throw new IllegalStateException("no Toxiproxy API at " + base + ": " + e + hint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking " + base + "/version", e);
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException(base + "/version answered HTTP " + response.statusCode()
                    + ", not 200: is this a Toxiproxy API?" + hint);
        }
        return response.body().strip();
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1");
    }

    /** What {@code GET /version} answered when this backend connected. */
    public String version() {
        return version;
    }

    @Override
    public ToxiproxyClient client() {
        return client;
    }

    @Override
    public String apiUrl() {
        return apiUrl;
    }

    @Override
    public String listenAddress(int port) {
        return LinkBackend.hostPort(loopback ? "127.0.0.1" : "0.0.0.0", port);
    }

    @Override
    public String reachableHost() {
        return host;
    }

    @Override
    public int reachablePort(int proxyPort) {
        return proxyPort;
    }

    @Override
    public String upstreamAddress(String upstreamHost, int port) {
        return LinkBackend.hostPort(upstreamHost, port);
    }

    @Override
    public void close() {
        // Not ours to stop.
    }

    @Override
    public String toString() {
        return "remote Toxiproxy API at " + apiUrl + " (" + version + ")";
    }
}
