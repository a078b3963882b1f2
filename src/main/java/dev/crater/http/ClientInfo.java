package dev.crater.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Who is on the other end of a request, for the audit log and rate limits: the peer address (no
 * proxy headers are trusted) and the User-Agent, truncated.
 */
public record ClientInfo(String address, String userAgent) {
    public static final int USER_AGENT_CHARS_MAX = 300;

    /** The operator at this machine's command line, named by their operating-system account. */
    public static ClientInfo operator() {
        return new ClientInfo("cli", "crater admin (" + System.getProperty("user.name", "unknown") + ")");
    }

    public static ClientInfo of(ServerRequest req) {
        return of(req.remotePeer().address(), req.headers().first(HeaderNames.USER_AGENT).orElse(""));
    }

    /** The client of a connection that is no longer an HTTP request (a WebSocket after its upgrade). */
    public static ClientInfo of(SocketAddress peer, String userAgent) {
        String address = peer instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(peer);
        String agent = userAgent == null ? "" : userAgent;
        if (agent.length() > USER_AGENT_CHARS_MAX) {
            agent = agent.substring(0, USER_AGENT_CHARS_MAX);
        }
        return new ClientInfo(address, agent);
    }
}
