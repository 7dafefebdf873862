package dev.chaosgate.upstream.internal;

import wiremock.jakarta.servlet.http.HttpServletRequest;
import wiremock.org.eclipse.jetty.io.EndPoint;
import wiremock.org.eclipse.jetty.server.Request;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

/**
 * Reaches below WireMock to the connection of a request: for the one fault WireMock cannot serve (a
 * reset mid-answer), and to stop waiting soon for the rest of a refused body.
 */
final class JettySockets {
    private JettySockets() {
    }

    /** How long the request's connection may stay silent before a blocking read gives up (and the connection goes). */
    static void idleTimeout(HttpServletRequest request, long millis) {
        Request.getBaseRequest(request).getHttpChannel().getEndPoint().setIdleTimeout(millis);
    }

    /** Closes the request's connection with a TCP RST (SO_LINGER 0). */
    static void reset(HttpServletRequest request) throws IOException {
        EndPoint endPoint = Request.getBaseRequest(request).getHttpChannel().getEndPoint();
        if (endPoint.getTransport() instanceof SocketChannel channel) {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            channel.close();
        }
        endPoint.close();
    }
}
