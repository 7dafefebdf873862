package dev.chaosgate.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The QA console of a {@link ServeSession}: the page at {@value #PATH} and its JSON admin API under
 * {@code /__chaosgate/api/}. It has its own port and threads (JDK HTTP server), apart from the app's
 * gateway, so the scenario's faults can never slow or break it.
 */
public final class ConsoleServer implements AutoCloseable {
    /** Where the page lives; {@code /} and {@code /__chaosgate} redirect here. */
    public static final String PATH = "/__chaosgate/";
    private static final System.Logger LOG = System.getLogger("dev.chaosgate.console");
    private static final int THREADS = 4;
    private static final String NODELAY = "sun.net.httpserver.nodelay";

    static {
        // The JDK server flushes a response's head and body as two segments; without TCP_NODELAY the
        // body waits for the client's delayed ACK, some 40 ms on every keep-alive request (the page
        // polls). The JDK reads this once, when the first server of the JVM starts; a user's own
        // setting wins.
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService threads;
    private final String url;

    private ConsoleServer(HttpServer server, ExecutorService threads, String url) {
        this.server = server;
        this.threads = threads;
        this.url = url;
    }

    /**
     * Serves the console of {@code session} on {@code host} and {@code port} (0: a free port).
     *
     * @throws ListenException when the address cannot be bound
     */
    public static ConsoleServer start(ServeSession session, String host, int port) {
        Objects.requireNonNull(session, "session cannot be null");
        Objects.requireNonNull(host, "host cannot be null");
        HttpServer server;
        try {
            InetSocketAddress address = new InetSocketAddress(host, port);
            if (address.isUnresolved()) {
                throw new ListenException(host, port, false, "unknown host", null);
            }
            server = HttpServer.create(address, 50);
        } catch (BindException e) {
            boolean inUse = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("in use");
            throw new ListenException(host, port, inUse, inUse ? "address already in use" : e.getMessage(), e);
        } catch (IOException e) {
            throw new ListenException(host, port, false, String.valueOf(e.getMessage()), e);
        }
        int bound = server.getAddress().getPort();
        OriginPolicy policy = new OriginPolicy(host, bound);
        Router router = new Router(new AdminApi(session, policy), new PageFiles(), policy);
        server.createContext("/", router::handle);
        AtomicInteger count = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, "chaosgate-console-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        server.start();
        String url = "http://" + displayHost(host) + ":" + bound + PATH;
        session.consoleUrl(url);
        return new ConsoleServer(server, threads, url);
    }

    /** {@code http://127.0.0.1:<port>/__chaosgate/}. */
    public String url() {
        return url;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    /** A wildcard address is reached through loopback; IPv6 literals get brackets. */
    private static String displayHost(String host) {
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            return "127.0.0.1";
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** Sends each path to the page, the API or a redirect; never lets an exception escape to the HTTP server. */
    private record Router(AdminApi api, PageFiles page, OriginPolicy policy) {
        void handle(HttpExchange exchange) {
            try {
                String path = exchange.getRequestURI().getPath();
                if (!policy.allowsHost(exchange.getRequestHeaders().getFirst("Host"))) {
                    String refused = "refused: this console answers only on loopback names"
                            + " (127.0.0.1, localhost, [::1]); open it as http://127.0.0.1:" + exchange.getLocalAddress().getPort() + PATH;
                    if (path.startsWith(AdminApi.PREFIX)) {
                        AdminApi.refuse(exchange, ApiProblem.forbidden(refused)); // the API answers JSON, even this
                    } else {
                        Responses.text(exchange, 403, refused);
                    }
                } else if (path.equals("/") || path.equals("/__chaosgate")) {
                    Responses.redirect(exchange, PATH);
                } else if (path.startsWith(AdminApi.PREFIX)) {
                    api.handle(exchange);
                } else if (path.startsWith(PATH)) {
                    page.handle(exchange, path.substring(PATH.length()));
                } else {
                    Responses.text(exchange, 404, "nothing at " + path + "; the console is at " + PATH);
                }
            } catch (IOException e) {
                // The browser or script went away mid-answer: nothing to tell it.
                LOG.log(System.Logger.Level.DEBUG, "console answer not written", e);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "console request failed", e);
                internalError(exchange, e);
            } finally {
                exchange.close();
            }
        }

        private static void internalError(HttpExchange exchange, RuntimeException e) {
            try {
                byte[] body = new ObjectMapper().writeValueAsString(Map.of("error", "internal error: " + e,
                        "status", 500)).getBytes(StandardCharsets.UTF_8);
                Responses.send(exchange, 500, "application/json; charset=utf-8", body);
            } catch (IOException | RuntimeException ignored) {
                // Headers already sent: the connection closes, which is all that is left to say.
            }
        }
    }
}
