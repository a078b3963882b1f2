package dev.crater.http;

import dev.crater.config.TrustedProxies;
import io.helidon.common.context.Context;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.http.ServerRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * Who is on the other end of a request, for the audit log and rate limits: the client address and
 * the User-Agent, truncated. The address is the TCP peer's, unless the peer is one of the trusted
 * proxies ({@code CRATER_TRUSTED_PROXIES}, registered in the server context): then it is the
 * right-most untrusted address of {@code X-Forwarded-For} ({@link TrustedProxies#clientAddress}).
 * Without trusted proxies the header is ignored, so no client chooses its own address.
 */
public record ClientInfo(String address, String userAgent) {
    public static final int USER_AGENT_CHARS_MAX = 300;
    public static final HeaderName X_FORWARDED_FOR = HeaderNames.X_FORWARDED_FOR;

    /** The operator at this machine's command line, named by their operating-system account. */
    public static ClientInfo operator() {
        return new ClientInfo("cli", "crater admin (" + System.getProperty("user.name", "unknown") + ")");
    }

    public static ClientInfo of(ServerRequest req) {
        return of(req.remotePeer().address(), req.headers(), req.context());
    }

    /**
     * The client of a request with headers {@code headers} from {@code peer}, judged by the trusted
     * proxies registered in {@code context} (the request's, or a WebSocket connection's listener context).
     */
    public static ClientInfo of(SocketAddress peer, Headers headers, Context context) {
        return of(peer, headers.all(X_FORWARDED_FOR, List::of), TrustedProxies.of(context),
                headers.first(HeaderNames.USER_AGENT).orElse(""));
    }

    /** The client of {@code peer} whose request said {@code forwardedFor}, judged by {@code proxies}. */
    public static ClientInfo of(SocketAddress peer, List<String> forwardedFor, TrustedProxies proxies,
            String userAgent) {
        String address = peer instanceof InetSocketAddress inet && inet.getAddress() != null
                ? proxies.clientAddress(inet.getAddress(), forwardedFor) : String.valueOf(peer);
        String agent = userAgent == null ? "" : userAgent;
        if (agent.length() > USER_AGENT_CHARS_MAX) {
            agent = agent.substring(0, USER_AGENT_CHARS_MAX);
        }
        return new ClientInfo(address, agent);
    }
}
