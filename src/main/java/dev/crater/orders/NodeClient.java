package dev.crater.orders;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * The HTTP client one node uses to reach another (forwarded requests, engine reads), built at its
 * first use: only nodes sharing a store call each other, and building a client sets up TLS (the JDK's
 * trust store, some 300 classes), which would cost every start otherwise (issue 16). Redirects are
 * never followed: a node answers for itself.
 */
final class NodeClient {
    private final Duration connectTimeout;
    private volatile HttpClient client;

    NodeClient(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    HttpClient get() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = HttpClient.newBuilder().connectTimeout(connectTimeout)
                            .executor(Executors.newVirtualThreadPerTaskExecutor())
                            .followRedirects(HttpClient.Redirect.NEVER).build();
                    client = c;
                }
            }
        }
        return c;
    }
}
